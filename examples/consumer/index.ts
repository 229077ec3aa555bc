// An app team's own Pulumi program: it deploys api-gateway into the platform's cluster and
// namespace, declaring what berrys-platform's `services` output says the Deployment must declare.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** One entry of the platform's `services` output (docs/outputs.md "Stack outputs"). */
interface DeploymentContract {
    deployment: string;
    labels: Record<string, string>;
    resources: { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };
    priorityClassName: string;
    metricsPort: { name: string; containerPort: number; path: string };
}

const service = "api-gateway";
const platform = new pulumi.StackReference("acme/berrys-platform/production");
// A stack output is untyped (`Output<any>`): typing the callback's parameter types the result.
const contract = platform.requireOutput("services").apply((services: Record<string, DeploymentContract>) => {
    const found = services[service];
    if (found === undefined) {
        throw new Error(
            `berrys-platform's services output has no ${service}; it has ${Object.keys(services).join(", ")}`,
        );
    }
    return found;
});
const provider = new k8s.Provider("berrys", { kubeconfig: platform.requireOutput("kubeconfig") });

new k8s.apps.v1.Deployment(
    service,
    {
        metadata: { name: contract.deployment, namespace: platform.requireOutput("namespace") },
        spec: {
            // no `replicas`: the HPA owns the replica count
            selector: { matchLabels: contract.labels },
            template: {
                metadata: { labels: contract.labels },
                spec: {
                    priorityClassName: contract.priorityClassName,
                    containers: [
                        {
                            name: service,
                            image: "berrys/api-gateway:1.4.2",
                            // `apply`, not `contract.resources`: an Output's own member `resources` (the
                            // resources it depends on) hides the lifted property, and the Deployment
                            // would go out with no resources at all.
                            resources: contract.apply((found) => found.resources),
                            ports: [
                                { name: contract.metricsPort.name, containerPort: contract.metricsPort.containerPort },
                            ],
                        },
                    ],
                },
            },
        },
    },
    { provider },
);
