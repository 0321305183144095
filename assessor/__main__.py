"""``python -m assessor`` runs the same CLI as ``pmo-assess``."""
from assessor.cli import main

if __name__ == "__main__":  # pragma: no cover - exercised through the CLI tests
    main()
