"""Developer tools that are not part of the shipped package: the benchmark and the load test."""
