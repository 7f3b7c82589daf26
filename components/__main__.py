"""Multi-language component host: serves the public components to TypeScript, Go, YAML..."""

from pulumi.provider.experimental import component_provider_host

from fluxlit_secrets import COMPONENTS

if __name__ == "__main__":
    component_provider_host(name="fluxlit-secrets", components=COMPONENTS)
