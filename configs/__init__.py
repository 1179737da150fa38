"""Language data shipped with newsfacts; installed as the `pipeline.configs` package."""
