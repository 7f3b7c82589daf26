"""Stack program of the fluxlit-secrets project: `pulumi up --stack <env>` runs this."""

from fluxlit_secrets.components.program import main

main()
