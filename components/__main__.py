"""Multi-language component host: serves the public components to TypeScript, Go, YAML..."""

from fluxlit_secrets.host import main

if __name__ == "__main__":
    main()
