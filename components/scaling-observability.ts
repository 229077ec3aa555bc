// Scaling observability: the `berrys-scaling` PrometheusRule (scale-event recording rules and the
// scaling alerts) and the "Berrys scaling" Grafana dashboard ConfigMap, both in the monitoring
// namespace. The specs come from the pure builders in components/monitoring/; this class only
// registers them. The caller passes the Kubernetes provider and `dependsOn` the
// kube-prometheus-stack release (its CRDs) through `opts`.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { scalingDashboard } from "./monitoring/dashboard";
import type { ScalingObservabilityInput } from "./monitoring/input";
import { SCALING_RULE_NAME, scalingRuleGroups } from "./monitoring/rules";
import type { PlatformConfig } from "../config";
import { configCheck, keyName } from "../config";
import { durationSeconds } from "../schema/common";

export interface ScalingObservabilityArgs {
    /** Namespace of the PrometheusRule and the dashboard ConfigMap; default {@link DEFAULTS}.namespace. */
    readonly namespace?: string;
    /**
     * Labels the Prometheus's `ruleSelector` needs: `{ release: <kube-prometheus-stack release> }`
     * with the chart's defaults, `{}` when it selects every rule. See
     * `kubePrometheusStackRuleSelector` and `labelsSelectedBy` in monitoring/rule-selector.ts.
     */
    readonly ruleLabels: Readonly<Record<string, string>>;
    /**
     * Labels the Grafana sidecar looks for; default {@link DEFAULTS}.dashboardLabels, the chart's
     * `grafana.sidecar.dashboards.label: grafana_dashboard` / `labelValue: "1"`.
     */
    readonly dashboardLabels?: Readonly<Record<string, string>>;
    /** What the rules and the dashboard are built from (see `observabilityInput`). */
    readonly input: ScalingObservabilityInput;
    /** Labels on both objects besides the selector labels (the platform's own). */
    readonly labels?: Readonly<Record<string, string>>;
}

export const DEFAULTS = {
    namespace: "monitoring",
    dashboardLabels: { grafana_dashboard: "1" } as Readonly<Record<string, string>>,
    /** The dashboard ConfigMap's name; the key inside it is `<name>.json`. */
    dashboardName: "berrys-scaling-dashboard",
} as const;

export class ScalingObservability extends pulumi.ComponentResource {
    /** The PrometheusRule's name, or undefined when rules are disabled. */
    readonly ruleName: pulumi.Output<string> | undefined;
    /** The dashboard ConfigMap's name, or undefined when the dashboard is disabled. */
    readonly dashboardConfigMapName: pulumi.Output<string> | undefined;
    /** The dashboard's uid in Grafana. */
    readonly dashboardUid: string;

    constructor(name: string, args: ScalingObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("berrys:monitoring:ScalingObservability", name, {}, opts);
        const namespace = args.namespace ?? DEFAULTS.namespace;
        const monitoring = args.input.monitoring;
        const dashboard = scalingDashboard(args.input);
        this.dashboardUid = dashboard.uid;

        if (monitoring.enabled && monitoring.rules) {
            const rule = new k8s.apiextensions.CustomResource(
                `${name}-rules`,
                {
                    apiVersion: "monitoring.coreos.com/v1",
                    kind: "PrometheusRule",
                    metadata: {
                        name: SCALING_RULE_NAME,
                        namespace,
                        labels: { ...args.labels, ...args.ruleLabels, "app.kubernetes.io/part-of": "berrys-platform" },
                    },
                    spec: { groups: scalingRuleGroups(args.input) },
                },
                { parent: this },
            );
            this.ruleName = rule.metadata.name;
        }
        if (monitoring.enabled && monitoring.dashboard) {
            const configMap = new k8s.core.v1.ConfigMap(
                `${name}-dashboard`,
                {
                    metadata: {
                        name: DEFAULTS.dashboardName,
                        namespace,
                        labels: {
                            ...args.labels,
                            ...(args.dashboardLabels ?? DEFAULTS.dashboardLabels),
                            "app.kubernetes.io/part-of": "berrys-platform",
                        },
                    },
                    data: { [`${DEFAULTS.dashboardName}.json`]: JSON.stringify(dashboard, null, 2) },
                },
                { parent: this },
            );
            this.dashboardConfigMapName = configMap.metadata.name;
        }
        this.registerOutputs({
            ruleName: this.ruleName,
            dashboardConfigMapName: this.dashboardConfigMapName,
            dashboardUid: this.dashboardUid,
        });
    }
}

/**
 * How often the installed Prometheus evaluates rules: kube-prometheus-stack leaves
 * `prometheusSpec.evaluationInterval` empty, and the Prometheus operator's default is 30s.
 */
export const RULE_EVALUATION_SECONDS = 30;

/**
 * HpaThrashing fires when `changes()` of the direction series over `thrashing.window` passes
 * `directionChanges`; the series has one sample per evaluation, so the window holds at most
 * samples - 1 changes, and a threshold at or above that can never be crossed.
 */
export const thrashingThresholdCheck = configCheck(
    "addons.monitoring.thrashing.directionChanges must be below the changes thrashing.window can hold at one rule evaluation per 30s, or HpaThrashing never fires.",
    (config: PlatformConfig) => {
        const monitoring = config.addons.monitoring;
        if (config.addons.prometheus.mode !== "install" || !monitoring.enabled || !monitoring.rules)
            return { errors: [], warnings: [] };
        const most = Math.floor(durationSeconds(monitoring.thrashing.window) / RULE_EVALUATION_SECONDS) - 1;
        if (monitoring.thrashing.directionChanges < most) return { errors: [], warnings: [] };
        return {
            errors: [
                `${keyName(["addons", "monitoring", "thrashing", "directionChanges"])} (${monitoring.thrashing.directionChanges}) must be below ${Math.max(most, 0)}, ` +
                    `the most direction changes ${monitoring.thrashing.window} holds at one evaluation per ${RULE_EVALUATION_SECONDS}s: HpaThrashing could never fire\n` +
                    "lower directionChanges or widen thrashing.window",
            ],
            warnings: [],
        };
    },
);
