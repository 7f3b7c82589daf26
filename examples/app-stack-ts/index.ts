// fluxlit-secrets owns the secrets; this program owns its gateway Deployment.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as fluxlit from "@pulumi/fluxlit-secrets";

const config = new pulumi.Config();

const shop = new fluxlit.SecretLifecycle("shop", {
    app: "shop",
    namespace: "shop",
    secrets: {
        jwt: { kind: "jwt-hs256", generation: 1 },
        "payments-key": {
            kind: "opaque",
            source: "config",
            // Sent as a secret; it stays one in every resource that holds it.
            value: config.requireSecret("paymentsKey"),
            consumers: { gateway: { as: "file", name: "PAYMENTS_KEY" } },
        },
    },
});

// The gateway's pod fragment: ServiceAccount, secret volume and mount, restart annotation,
// labels, and the pod and container security contexts. Merge them into the app's own pod template.
const gateway = shop.podFragments.apply((fragments: any) => fragments["gateway"]);

new k8s.apps.v1.Deployment("shop-gateway", {
    metadata: { name: "shop-gateway", namespace: gateway.apply((g: any) => g.namespace) },
    spec: {
        replicas: 2,
        selector: { matchLabels: { app: "shop-gateway" } },
        template: {
            metadata: {
                labels: gateway.apply((g: any) => ({ ...g.podLabels, app: "shop-gateway" })),
                annotations: gateway.apply((g: any) => g.podAnnotations),
            },
            spec: {
                serviceAccountName: gateway.apply((g: any) => g.serviceAccountName),
                automountServiceAccountToken: false,
                securityContext: gateway.apply((g: any) => g.podSecurityContext),
                volumes: gateway.apply((g: any) => g.volumes),
                containers: [
                    {
                        name: "gateway",
                        image: "ghcr.io/acme/shop:2.0.1",
                        command: ["uvicorn", "fluxlit.runtime:create_gateway_app", "--factory", "--host", "0.0.0.0"],
                        env: gateway.apply((g: any) => [{ name: "FLUXLIT_APP", value: "shop.main:app" }, ...g.env]),
                        volumeMounts: gateway.apply((g: any) => g.volumeMounts),
                        // What restricted Pod Security requires of a container (the namespace enforces it).
                        securityContext: gateway.apply((g: any) => g.containerSecurityContext),
                    },
                ],
            },
        },
    },
});

export const restartTriggers = shop.restartTriggers;
