// The scaling PrometheusRule's `spec.groups`: recording rules that keep every HPA's scale events
// queryable for Prometheus's retention, and the alerts of the seed's "Monitoring and Alerting"
// (capacity warnings, unusual scaling, add-ons down). Pure: plain input in, plain objects out.
import { SCALING_ALERTS, type ScalingAlert, type Severity } from "../../schema/monitoring";
import { DEFAULT_ADDON_WORKLOADS, hpaName, type ScalingObservabilityInput, type WorkloadRef } from "./input";
import { RUNBOOKS, runbookAnchor } from "./runbooks";

export interface RecordingRule {
    readonly record: string;
    readonly expr: string;
}

export interface AlertingRule {
    readonly alert: ScalingAlert;
    readonly expr: string;
    readonly for?: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly annotations: Readonly<Record<string, string>>;
}

export interface RuleGroup {
    readonly name: string;
    readonly rules: readonly (RecordingRule | AlertingRule)[];
}

/** The severity each alert has unless `addons.monitoring.severity` overrides it. */
export const DEFAULT_SEVERITY: Readonly<Record<ScalingAlert, Severity>> = {
    HpaAtMaxReplicas: "warning",
    HpaScalingInactive: "critical",
    HpaMetricUnavailable: "warning",
    HpaUnableToScale: "critical",
    HpaReplicasMismatch: "warning",
    HpaThrashing: "warning",
    NamespaceQuotaNearLimit: "warning",
    NodeGroupAtMaxSize: "warning",
    ClusterAutoscalerScaleUpFailed: "warning",
    ClusterAutoscalerUnschedulablePods: "warning",
    MetricsServerUnavailable: "critical",
    PrometheusAdapterUnavailable: "critical",
};

/** Windows that are properties of the rules rather than tunables of the stack. */
export const RULE_WINDOWS = {
    /** Scale events are counted per 5-minute step (recording rules `...:changes5m`, `...:delta5m`). */
    events: "5m",
    /** Direction of desired replicas is taken against 1 minute earlier (two KSM scrapes at 30s). */
    directionStep: "1m",
    /** Failed scale-ups are counted over this window. */
    scaleUpFailures: "15m",
    /** A quota above the ratio must stay there this long (rolling updates surge briefly). */
    quotaFor: "5m",
} as const;

/** The APIServices the HPA reads its metrics through. */
export const METRICS_APISERVICES = {
    metricsServer: "v1beta1.metrics.k8s.io",
    prometheusAdapter: "v1beta1.custom.metrics.k8s.io",
} as const;

/** Names of the recording rules (Prometheus naming: level:metric:operations). */
export const RECORDED = {
    desiredChanges: "berrys:hpa_desired_replicas:changes5m",
    currentChanges: "berrys:hpa_current_replicas:changes5m",
    desiredDelta: "berrys:hpa_desired_replicas:delta5m",
    direction: "berrys:hpa_desired_replicas:direction1m",
} as const;

/** The PrometheusRule's object name; the docs and other teams refer to it. */
export const SCALING_RULE_NAME = "berrys-scaling";

/** A PromQL string literal. */
export function promString(value: string): string {
    return JSON.stringify(value);
}

/** A PromQL regex literal matching exactly one of `values` (RE2 metacharacters escaped). */
export function promAlternation(values: readonly string[]): string {
    return promString(values.map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"));
}

/** Label matchers selecting the stack's HPAs in kube-state-metrics series. */
export function hpaMatchers(input: Pick<ScalingObservabilityInput, "namespace" | "services">): string {
    const names = Object.keys(input.services).map(hpaName);
    return `namespace=${promString(input.namespace)}, horizontalpodautoscaler=~${promAlternation(names)}`;
}

export function scalingRecordingRules(input: ScalingObservabilityInput): RecordingRule[] {
    const hpa = hpaMatchers(input);
    const desired = `kube_horizontalpodautoscaler_status_desired_replicas{${hpa}}`;
    const current = `kube_horizontalpodautoscaler_status_current_replicas{${hpa}}`;
    return [
        { record: RECORDED.desiredChanges, expr: `changes(${desired}[${RULE_WINDOWS.events}])` },
        { record: RECORDED.currentChanges, expr: `changes(${current}[${RULE_WINDOWS.events}])` },
        // Signed: > 0 scaled up, < 0 scaled down over the step.
        { record: RECORDED.desiredDelta, expr: `${desired} - ${desired} offset ${RULE_WINDOWS.events}` },
        // +1 / -1 while scaling, absent otherwise: changes() over it counts direction reversals only.
        { record: RECORDED.direction, expr: `sgn(${desired} - ${desired} offset ${RULE_WINDOWS.directionStep}) != 0` },
    ];
}

/** What the alerts' expressions and texts are built from: the thresholds and the stack's selectors. */
interface AlertContext {
    readonly input: ScalingObservabilityInput;
    readonly m: ScalingObservabilityInput["monitoring"];
    readonly ns: string;
    readonly hpa: string;
    /** A kube-state-metrics HPA series of the stack's HPAs, `kube_horizontalpodautoscaler_<name>`. */
    readonly hpaSeries: (name: string, extra?: string) => string;
    readonly hpaLabel: string;
    /** Each HPA's target Deployment as a `deployment` label (kube-state-metrics v2.20.0 createHPAInfo). */
    readonly hpaDeployments: string;
    /** The namespace's quota series of `type` (used, hard), limited to the quota keys the stack sets. */
    readonly quota: (type: string) => string;
    readonly totalMaxNodes: number;
    readonly workloads: Readonly<Record<keyof typeof DEFAULT_ADDON_WORKLOADS, WorkloadRef>>;
}

function alertContext(input: ScalingObservabilityInput): AlertContext {
    const hpa = hpaMatchers(input);
    const hpaSeries = (name: string, extra = "") => `kube_horizontalpodautoscaler_${name}{${hpa}${extra}}`;
    const ns = promString(input.namespace);
    const quotaResources = input.quotaKeys.length > 0 ? `, resource=~${promAlternation(input.quotaKeys)}` : "";
    return {
        input,
        m: input.monitoring,
        ns,
        hpa,
        hpaSeries,
        hpaLabel: "{{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }}",
        hpaDeployments:
            `max by (namespace, horizontalpodautoscaler, deployment) (label_replace(` +
            `${hpaSeries("info", `, scaletargetref_kind="Deployment"`)}, "deployment", "$1", "scaletargetref_name", "(.+)"))`,
        quota: (type) => `kube_resourcequota{namespace=${ns}, type="${type}"${quotaResources}}`,
        totalMaxNodes: Object.values(input.nodeGroups).reduce((sum, group) => sum + group.maxSize, 0),
        workloads: { ...DEFAULT_ADDON_WORKLOADS, ...input.addonWorkloads },
    };
}

/** One alert of the table: each field built from the {@link AlertContext}; no `for` fires at once. */
interface AlertTemplate {
    readonly expr: (context: AlertContext) => string;
    readonly for?: (context: AlertContext) => string;
    readonly summary: (context: AlertContext) => string;
    /** The runbook's "meaning" follows it in the rule's description. */
    readonly description: (context: AlertContext) => string;
}

const FAILED_SCALE_UPS = "cluster_autoscaler_failed_scale_ups_total";

/** An add-on's APIService unavailable, or its Deployment without an available pod. */
function addonDown(apiService: string, workload: WorkloadRef): string {
    return (
        `(max by (name) (aggregator_unavailable_apiservice{name=${promString(apiService)}}) == 1)\n` +
        `or on ()\n` +
        `(sum(kube_deployment_status_replicas_available{namespace=${promString(workload.namespace)}, deployment=${promString(workload.deployment)}}) < 1)`
    );
}

/** Every scaling alert. */
const ALERTS: Readonly<Record<ScalingAlert, AlertTemplate>> = {
    HpaAtMaxReplicas: {
        expr: ({ hpaSeries }) =>
            `(${hpaSeries("status_current_replicas")} >= ${hpaSeries("spec_max_replicas")})\n` +
            `and on (namespace, horizontalpodautoscaler)\n` +
            `(${hpaSeries("spec_max_replicas")} > ${hpaSeries("spec_min_replicas")})`,
        for: ({ m }) => m.hpaAtMaxFor,
        summary: ({ m, hpaLabel }) => `HPA ${hpaLabel} has been at maxReplicas for ${m.hpaAtMaxFor}`,
        description: ({ hpaLabel }) => `${hpaLabel} runs {{ $value }} replicas, its maximum.`,
    },
    HpaScalingInactive: {
        expr: ({ hpaSeries }) => `${hpaSeries("status_condition", `, condition="ScalingActive", status="false"`)} == 1`,
        for: ({ m }) => m.hpaConditionFor,
        summary: ({ hpaLabel }) => `HPA ${hpaLabel} cannot compute replicas (ScalingActive=False)`,
        description: ({ m, hpaLabel }) => `${hpaLabel} has had ScalingActive=False for ${m.hpaConditionFor}.`,
    },
    HpaMetricUnavailable: {
        // kubernetes v1.34 pkg/controller/podautoscaler/horizontal.go computeReplicasForMetrics:
        // a metric that fails leaves its status entry empty (statuses[i] is never filled). While
        // the valid metrics hold or raise the count, ScalingActive stays True and only this alert
        // fires; when they would scale down (invalidMetricsCount > 0 && replicas < specReplicas),
        // the HPA sets ScalingActive=False and keeps the valid statuses, so HpaScalingInactive
        // fires too. kube-state-metrics v2.20.0 createHPASpecTargetMetric exposes every spec
        // metric and createHPAStatusTargetMetric only the status entries with a type: a spec
        // metric without a status, while another metric of the same HPA has one, is a metric not
        // served. With no status at all (every metric failing) only HpaScalingInactive fires.
        expr: ({ hpaSeries }) =>
            `(\n` +
            `  count by (namespace, horizontalpodautoscaler, metric_name) (${hpaSeries("spec_target_metric")})\n` +
            `  unless on (namespace, horizontalpodautoscaler, metric_name)\n` +
            `  ${hpaSeries("status_target_metric")}\n` +
            `)\n` +
            `and on (namespace, horizontalpodautoscaler)\n` +
            `(count by (namespace, horizontalpodautoscaler) (${hpaSeries("status_target_metric")}) > 0)`,
        for: ({ m }) => m.hpaConditionFor,
        summary: ({ hpaLabel }) =>
            `HPA ${hpaLabel} gets no value for {{ $labels.metric_name }} and scales on its other metrics only`,
        description: ({ m, hpaLabel }) =>
            `${hpaLabel} has had no value for {{ $labels.metric_name }} for ${m.hpaConditionFor} while its other metrics are served.`,
    },
    HpaUnableToScale: {
        // Only once the target exists: the HPAs are created before the app teams' Deployments,
        // and until then every HPA reports AbleToScale=False (FailedGetScale).
        expr: ({ ns, hpaSeries, hpaDeployments }) =>
            `(${hpaSeries("status_condition", `, condition="AbleToScale", status="false"`)} == 1)\n` +
            `and on (namespace, horizontalpodautoscaler)\n` +
            `(${hpaDeployments} and on (namespace, deployment) kube_deployment_created{namespace=${ns}})`,
        for: ({ m }) => m.hpaConditionFor,
        summary: ({ hpaLabel }) => `HPA ${hpaLabel} is unable to scale (AbleToScale=False)`,
        description: ({ m, hpaLabel }) => `${hpaLabel} has had AbleToScale=False for ${m.hpaConditionFor}.`,
    },
    HpaReplicasMismatch: {
        // Against the Deployment's available pods, not the HPA's status.currentReplicas: the HPA
        // copies that from the target's spec.replicas (kubernetes v1.34 horizontal.go
        // reconcileAutoscaler, `currentReplicas := scale.Spec.Replicas`), so it equals the desired
        // count one sync after every rescale whether or not the pods exist.
        expr: ({ ns, hpaSeries, hpaDeployments }) =>
            `(${hpaSeries("status_desired_replicas")} * on (namespace, horizontalpodautoscaler) group_left (deployment) ${hpaDeployments})\n` +
            `> on (namespace, deployment) group_left ()\n` +
            `max by (namespace, deployment) (kube_deployment_status_replicas_available{namespace=${ns}})`,
        for: ({ m }) => m.replicasMismatchFor,
        summary: ({ m, hpaLabel }) =>
            `HPA ${hpaLabel} has not reached its desired replicas for ${m.replicasMismatchFor}`,
        description: ({ m, hpaLabel }) =>
            `${hpaLabel} wants {{ $value }} replicas and its Deployment {{ $labels.deployment }} has had fewer available for ${m.replicasMismatchFor}.`,
    },
    HpaThrashing: {
        expr: ({ m, hpa }) =>
            `changes(${RECORDED.direction}{${hpa}}[${m.thrashing.window}]) > ${m.thrashing.directionChanges}`,
        summary: ({ hpaLabel }) => `HPA ${hpaLabel} is thrashing`,
        description: ({ m, hpaLabel }) =>
            `${hpaLabel} reversed scaling direction {{ $value }} times in ${m.thrashing.window} (allowed: ${m.thrashing.directionChanges}).`,
    },
    NamespaceQuotaNearLimit: {
        expr: ({ m, quota }) => `${quota("used")}\n  / ignoring (type)\n(${quota("hard")} > 0)\n> ${m.quotaUsageRatio}`,
        for: () => RULE_WINDOWS.quotaFor,
        summary: ({ input, m }) =>
            `Quota {{ $labels.resourcequota }} of ${input.namespace}: {{ $labels.resource }} above ${Math.round(m.quotaUsageRatio * 100)}% of its hard limit`,
        description: ({ input }) =>
            `{{ $labels.resource }} uses {{ $value | humanizePercentage }} of its hard limit in ${input.namespace}.`,
    },
    NodeGroupAtMaxSize: {
        // Per node group when cluster-autoscaler runs with --emit-per-nodegroup-metrics;
        // otherwise the cluster's node count against the node groups' total maxSize.
        expr: ({ totalMaxNodes }) =>
            `(cluster_autoscaler_node_group_target_count >= cluster_autoscaler_node_group_max_count)\n` +
            `or on ()\n` +
            `((count(kube_node_info) >= ${totalMaxNodes}) unless on () count(cluster_autoscaler_node_group_max_count))`,
        for: ({ m }) => m.nodeGroupAtMaxFor,
        summary: ({ input }) =>
            `Nodes of ${input.clusterName} at their maximum size{{ if $labels.node_group }} (node group {{ $labels.node_group }}){{ end }}`,
        description: ({ m }) =>
            `The cluster has been at its node groups' maximum size ({{ $value }} nodes) for ${m.nodeGroupAtMaxFor}.`,
    },
    ClusterAutoscalerScaleUpFailed: {
        // A child the autoscaler did not pre-initialise is created at 1 by its first failure (on AWS
        // reason="placeholder-cannot-be-fulfilled": cluster-autoscaler-1.34.5 metrics.InitMetrics
        // adds only cloudProviderError, apiCallError and timeout; clusterstate
        // handleInstanceCreationErrorsForNodeGroup registers the instance error code), and
        // increase() of a series that starts at 1 is 0: a child new within the window counts at its value.
        expr: () =>
            `sum by (reason) (\n` +
            `  (${FAILED_SCALE_UPS} unless ${FAILED_SCALE_UPS} offset ${RULE_WINDOWS.scaleUpFailures})\n` +
            `  or\n` +
            `  increase(${FAILED_SCALE_UPS}[${RULE_WINDOWS.scaleUpFailures}])\n` +
            `) > 0`,
        summary: ({ input }) => `cluster-autoscaler scale-ups failed in ${input.clusterName} ({{ $labels.reason }})`,
        description: () =>
            `{{ $value }} scale-up operations failed with reason {{ $labels.reason }} in the last ${RULE_WINDOWS.scaleUpFailures}.`,
    },
    ClusterAutoscalerUnschedulablePods: {
        // `type` exists since CA 1.33; scheduler_unprocessed pods have not been tried yet.
        expr: () =>
            `max without (type) (cluster_autoscaler_unschedulable_pods_count{type!="scheduler_unprocessed"}) > 0`,
        for: ({ m }) => m.unschedulablePodsFor,
        summary: ({ input, m }) => `${input.clusterName} has had unschedulable pods for ${m.unschedulablePodsFor}`,
        description: () => `cluster-autoscaler reports {{ $value }} unschedulable pods.`,
    },
    MetricsServerUnavailable: {
        expr: ({ workloads }) => addonDown(METRICS_APISERVICES.metricsServer, workloads.metricsServer),
        for: ({ m }) => m.addonUnavailableFor,
        summary: ({ input }) =>
            `metrics-server (${METRICS_APISERVICES.metricsServer}) is unavailable in ${input.clusterName}`,
        description: ({ m }) => `Resource metrics have been unavailable for ${m.addonUnavailableFor}.`,
    },
    PrometheusAdapterUnavailable: {
        expr: ({ workloads }) => addonDown(METRICS_APISERVICES.prometheusAdapter, workloads.prometheusAdapter),
        for: ({ m }) => m.addonUnavailableFor,
        summary: ({ input }) =>
            `prometheus-adapter (${METRICS_APISERVICES.prometheusAdapter}) is unavailable in ${input.clusterName}`,
        description: ({ m }) => `Custom metrics have been unavailable for ${m.addonUnavailableFor}.`,
    },
};

/** The rule of one alert: its template filled in, its severity, `cluster` label and runbook link. */
function alertingRule(name: ScalingAlert, context: AlertContext): AlertingRule {
    const template = ALERTS[name];
    const { input, m } = context;
    const forDuration = template.for?.(context);
    return {
        alert: name,
        expr: template.expr(context),
        ...(forDuration === undefined ? {} : { for: forDuration }),
        labels: { severity: m.severity[name] ?? DEFAULT_SEVERITY[name], cluster: input.clusterName },
        annotations: {
            summary: template.summary(context),
            description: `${template.description(context)} ${RUNBOOKS[name].meaning}`,
            runbook_url: `${m.runbookBaseUrl}#${runbookAnchor(name)}`,
        },
    };
}

/** Every alert, in the order of SCALING_ALERTS, which the schema and the README share. */
export function scalingAlerts(input: ScalingObservabilityInput): AlertingRule[] {
    const context = alertContext(input);
    return SCALING_ALERTS.map((name) => alertingRule(name, context));
}

/** The PrometheusRule `spec.groups`: scale-event recording rules, then the alerts. */
export function scalingRuleGroups(input: ScalingObservabilityInput): RuleGroup[] {
    return [
        { name: "berrys-scaling.events", rules: scalingRecordingRules(input) },
        { name: "berrys-scaling.alerts", rules: scalingAlerts(input) },
    ];
}
