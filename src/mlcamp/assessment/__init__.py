"""The readiness (placement) quiz: content models, validation, scoring and recommendations."""
