// fluxlit-secrets owns the secrets; this program owns its gateway Deployment.
package main

import (
	"encoding/json"

	"example.com/fluxlit-secrets/sdk/go/fluxlitsecrets"
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// The app's own container; the fragment adds what reading its secrets needs.
var app = map[string]any{
	"name":    "gateway",
	"image":   "ghcr.io/acme/shop:2.0.1",
	"command": []string{"uvicorn", "fluxlit.runtime:create_gateway_app", "--factory", "--host", "0.0.0.0"},
	"env":     []any{map[string]any{"name": "FLUXLIT_APP", "value": "shop.main:app"}},
}

// podTemplate merges the gateway's pod fragment into the app's pod: ServiceAccount, secret volume
// and mount, restart annotation, labels, and the pod and container security contexts.
func podTemplate(fragment map[string]any) (corev1.PodTemplateSpec, error) {
	labels := map[string]any{"app": "shop-gateway"}
	for k, v := range fragment["podLabels"].(map[string]any) {
		labels[k] = v
	}
	container := map[string]any{}
	for k, v := range app {
		container[k] = v
	}
	container["env"] = append(app["env"].([]any), fragment["env"].([]any)...)
	container["volumeMounts"] = fragment["volumeMounts"]
	container["securityContext"] = fragment["containerSecurityContext"]
	pod := map[string]any{
		"metadata": map[string]any{"labels": labels, "annotations": fragment["podAnnotations"]},
		"spec": map[string]any{
			"serviceAccountName":           fragment["serviceAccountName"],
			"automountServiceAccountToken": false,
			"securityContext":              fragment["podSecurityContext"],
			"volumes":                      fragment["volumes"],
			"containers":                   []any{container},
		},
	}
	// The SDK's plain types carry no JSON tags; encoding/json matches the camelCase keys to them.
	var template corev1.PodTemplateSpec
	data, err := json.Marshal(pod)
	if err != nil {
		return template, err
	}
	return template, json.Unmarshal(data, &template)
}

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		generation := 1
		file := fluxlitsecrets.ConsumedAsFile
		opaque, fromConfig := fluxlitsecrets.SourceConfig, "PAYMENTS_KEY"
		shop, err := fluxlitsecrets.NewSecretLifecycle(ctx, "shop", &fluxlitsecrets.SecretLifecycleArgs{
			App:       "shop",
			Namespace: pulumi.StringRef("shop"),
			Secrets: map[string]fluxlitsecrets.SecretArgsArgs{
				"jwt": {Kind: fluxlitsecrets.KindJwtHs256, Generation: &generation},
				"payments-key": {
					Kind:   fluxlitsecrets.KindOpaque,
					Source: &opaque,
					// Sent as a secret; it stays one in every resource that holds it.
					Value:     cfg.RequireSecret("paymentsKey"),
					Consumers: map[string]fluxlitsecrets.ConsumerArgsArgs{"gateway": {As: &file, Name: &fromConfig}},
				},
			},
		})
		if err != nil {
			return err
		}
		gateway := shop.PodFragments.ApplyT(func(fragments map[string]any) map[string]any {
			return fragments["gateway"].(map[string]any)
		}).(pulumi.MapOutput)
		template := gateway.ApplyT(func(fragment map[string]any) (corev1.PodTemplateSpec, error) {
			return podTemplate(fragment)
		}).(corev1.PodTemplateSpecOutput)
		namespace := gateway.ApplyT(func(fragment map[string]any) string {
			return fragment["namespace"].(string)
		}).(pulumi.StringOutput)
		_, err = appsv1.NewDeployment(ctx, "shop-gateway", &appsv1.DeploymentArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("shop-gateway"), Namespace: namespace},
			Spec: &appsv1.DeploymentSpecArgs{
				Replicas: pulumi.Int(2),
				Selector: &metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{"app": pulumi.String("shop-gateway")}},
				Template: template,
			},
		})
		if err != nil {
			return err
		}
		ctx.Export("restartTriggers", shop.RestartTriggers)
		return nil
	})
}
