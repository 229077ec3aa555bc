// The component against Pulumi's mock engine: which Kubernetes objects it registers, with what.
// Mocks must be set before the component module (and @pulumi/kubernetes) is imported.
import * as assert from "assert";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import * as pulumi from "@pulumi/pulumi";
import type * as Component from "../../components/scaling-observability";
import {
    kubePrometheusStackRuleSelector,
    labelsSelectedBy,
    selectorMatches,
} from "../../components/monitoring/rule-selector";
import { productionInput } from "../helpers/monitoring-input";
import { promqlErrors } from "../helpers/promql";

interface Registered {
    type: string;
    name: string;
    inputs: Record<string, any>;
}

describe("components/scaling-observability (mocked engine)", () => {
    const registered: Registered[] = [];
    let module: typeof Component;

    before(async () => {
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    registered.push({ type: args.type, name: args.name, inputs: args.inputs });
                    return { id: `${args.name}-id`, state: args.inputs };
                },
                call: (args) => args.inputs,
            },
            "berrys-platform",
            "production",
            false,
        );
        module = await import("../../components/scaling-observability");
    });

    beforeEach(() => {
        registered.length = 0;
    });

    async function create(
        name: string,
        args: Partial<Component.ScalingObservabilityArgs> & { monitoring?: unknown } = {},
    ): Promise<Component.ScalingObservability> {
        const component = new module.ScalingObservability(name, {
            ruleLabels: labelsSelectedBy(kubePrometheusStackRuleSelector({}, "kube-prometheus-stack")),
            input: productionInput(args.monitoring),
            ...args,
        });
        await new Promise<void>((resolve) => component.urn.apply(() => resolve()));
        await new Promise((resolve) => setTimeout(resolve, 50));
        return component;
    }

    it("registers a PrometheusRule the chart's default ruleSelector selects, valid against the CRD", async () => {
        await create("observability");
        const rule = registered.find(
            (resource) => resource.type === "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
        );
        assert.ok(rule, registered.map((resource) => resource.type).join(", "));
        assert.strictEqual(rule.name, "observability-rules");
        assert.strictEqual(rule.inputs.kind, "PrometheusRule");
        assert.strictEqual(rule.inputs.apiVersion, "monitoring.coreos.com/v1");
        assert.deepStrictEqual(
            [rule.inputs.metadata.name, rule.inputs.metadata.namespace],
            ["berrys-scaling", "monitoring"],
        );
        assert.ok(selectorMatches({ matchLabels: { release: "kube-prometheus-stack" } }, rule.inputs.metadata.labels));
        new PrometheusRule({ metadata: rule.inputs.metadata, spec: rule.inputs.spec }).validate();
        for (const group of rule.inputs.spec.groups) {
            for (const entry of group.rules) {
                assert.deepStrictEqual(promqlErrors(entry.expr), []);
            }
        }
    });

    it("registers the dashboard ConfigMap with the Grafana sidecar's label and valid JSON", async () => {
        await create("observability");
        const configMap = registered.find((resource) => resource.type === "kubernetes:core/v1:ConfigMap");
        assert.ok(configMap);
        assert.strictEqual(configMap.name, "observability-dashboard");
        assert.deepStrictEqual(
            [configMap.inputs.metadata.name, configMap.inputs.metadata.namespace],
            ["berrys-scaling-dashboard", "monitoring"],
        );
        assert.strictEqual(configMap.inputs.metadata.labels.grafana_dashboard, "1");
        const dashboard = JSON.parse(configMap.inputs.data["berrys-scaling-dashboard.json"]);
        assert.strictEqual(dashboard.uid, "berrys-scaling-berrys-production");
    });

    it("names both children after the component, so two instances never collide", async () => {
        await create("second");
        const children = registered.filter((resource) => resource.type.startsWith("kubernetes:"));
        assert.deepStrictEqual(children.map((resource) => resource.name).sort(), ["second-dashboard", "second-rules"]);
        assert.ok(
            registered.some(
                (resource) => resource.type === "berrys:monitoring:ScalingObservability" && resource.name === "second",
            ),
        );
    });

    it("respects addons.monitoring.rules / dashboard / enabled", async () => {
        await create("no-rules", { monitoring: { rules: false } });
        assert.deepStrictEqual(
            registered.filter((resource) => resource.type.startsWith("kubernetes:")).map((resource) => resource.name),
            ["no-rules-dashboard"],
        );
        registered.length = 0;
        await create("no-dashboard", { monitoring: { dashboard: false } });
        assert.deepStrictEqual(
            registered.filter((resource) => resource.type.startsWith("kubernetes:")).map((resource) => resource.name),
            ["no-dashboard-rules"],
        );
        registered.length = 0;
        await create("disabled", { monitoring: { enabled: false } });
        assert.deepStrictEqual(
            registered.filter((resource) => resource.type.startsWith("kubernetes:")),
            [],
        );
    });

    it("registers its objects for a custom metric no adapter rule serves (the config check owns that problem)", async () => {
        const input = productionInput();
        const services = {
            ...input.services,
            "queue-worker": {
                minReplicas: 1,
                maxReplicas: 3,
                metrics: [{ type: "Pods" as const, name: "queue_depth", averageValue: "5" }],
            },
        };
        registered.length = 0;
        await create("unserved", { input: { ...input, services } });
        assert.deepStrictEqual(
            registered
                .filter((resource) => resource.type.startsWith("kubernetes:"))
                .map((resource) => resource.name)
                .sort(),
            ["unserved-dashboard", "unserved-rules"],
        );
    });
});
