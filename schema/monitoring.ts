// Config schema of `addons.monitoring`: the scaling alerts, recording rules and dashboard
// (components/scaling-observability.ts). Every key has a default, so the whole block may be left out.
import { z } from "zod";
import { positiveInt, promDuration } from "./common";

/** The alerts `components/monitoring/rules.ts` defines; `severity` overrides are keyed by these names. */
export const SCALING_ALERTS = [
    "HpaAtMaxReplicas",
    "HpaScalingInactive",
    "HpaMetricUnavailable",
    "HpaUnableToScale",
    "HpaReplicasMismatch",
    "HpaThrashing",
    "NamespaceQuotaNearLimit",
    "NodeGroupAtMaxSize",
    "ClusterAutoscalerScaleUpFailed",
    "ClusterAutoscalerUnschedulablePods",
    "MetricsServerUnavailable",
    "PrometheusAdapterUnavailable",
] as const;
export type ScalingAlert = (typeof SCALING_ALERTS)[number];

/** Alertmanager routes on the `severity` label; these are the values kube-prometheus-stack's own rules use. */
export const SEVERITIES = ["critical", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

const thrashingSchema = z.strictObject({
    directionChanges: positiveInt
        .min(1, { error: "must be >= 1" })
        .default(4)
        .describe(
            "HpaThrashing fires when an HPA's desired replicas reverse direction more than this many times within `window` (4 matches the simulator's stability criterion).",
        ),
    window: promDuration.default("1h").describe("The window the direction changes are counted over."),
});

export const monitoringSchema = z
    .strictObject({
        enabled: z.boolean().default(true).describe("Ship the scaling observability at all (rules and dashboard)."),
        rules: z.boolean().default(true).describe("Create the PrometheusRule (recording rules and alerts)."),
        dashboard: z.boolean().default(true).describe("Create the Grafana dashboard ConfigMap."),
        hpaAtMaxFor: promDuration
            .default("15m")
            .describe("Capacity warning: how long an HPA may sit at maxReplicas before HpaAtMaxReplicas fires."),
        replicasMismatchFor: promDuration
            .default("15m")
            .describe(
                "How long an HPA may want more replicas than its Deployment has available before HpaReplicasMismatch fires.",
            ),
        hpaConditionFor: promDuration
            .default("5m")
            .describe("How long an HPA's ScalingActive or AbleToScale condition may be False before it alerts."),
        thrashing: thrashingSchema
            .prefault({})
            .describe("Thrashing: direction changes of desired replicas allowed per window."),
        quotaUsageRatio: z
            .number({ error: "must be a number" })
            .gt(0, { error: "must be > 0 and <= 1 (a fraction of the hard limit, e.g. 0.9)" })
            .max(1, { error: "must be > 0 and <= 1 (a fraction of the hard limit, e.g. 0.9)" })
            .default(0.9)
            .describe(
                "NamespaceQuotaNearLimit fires when any ResourceQuota resource of the namespace uses more than this fraction of its hard limit.",
            ),
        nodeGroupAtMaxFor: promDuration
            .default("15m")
            .describe("How long a node group may sit at its maxSize before NodeGroupAtMaxSize fires."),
        unschedulablePodsFor: promDuration
            .default("10m")
            .describe("How long cluster-autoscaler may report unschedulable pods before it alerts."),
        addonUnavailableFor: promDuration
            .default("5m")
            .describe("How long metrics-server or prometheus-adapter may be unavailable before it alerts."),
        runbookBaseUrl: z
            .string()
            .regex(/^(https?:\/\/[^\s#]+|[^\s#:]+)$/, {
                error:
                    "must be an http(s) URL without a # (the alert's anchor is appended), or a path relative to the repository\n" +
                    "e.g. https://github.com/acme/berrys-platform/blob/main/docs/runbooks.md",
            })
            .default("docs/runbooks.md")
            .describe(
                "Where each alert's `runbook_url` points, `#<alert's heading>` appended: the address of docs/runbooks.md. The default, the repository-relative path, opens from the repository but not from Alertmanager or chat: set the page's http(s) URL (e.g. `https://github.com/acme/berrys-platform/blob/main/docs/runbooks.md`) so the links open there; no `#` in it. A value naming the README, which holds no runbooks, is a warning.",
            ),
        severity: z
            .partialRecord(
                z.enum(SCALING_ALERTS, { error: `must be one of the alerts: ${SCALING_ALERTS.join(", ")}` }),
                z.enum(SEVERITIES),
                { error: "must be a map from alert name to severity" },
            )
            .default({})
            .describe(
                "Per-alert severity overrides, e.g. `{ HpaAtMaxReplicas: critical }`; unset alerts keep their default.",
            ),
    })
    .prefault({});

export type MonitoringConfig = z.output<typeof monitoringSchema>;
