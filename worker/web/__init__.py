"""The worker's web pages on Faust's own web server: the dashboard, the tally as JSON, Prometheus metrics."""
