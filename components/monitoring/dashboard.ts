// The "Berrys scaling" Grafana dashboard, as the JSON the kube-prometheus-stack Grafana sidecar
// loads from a labelled ConfigMap. An overview row (quota, nodes, cluster-autoscaler, every scale
// event), then one row per service: replicas against min/max, each HPA metric against its target,
// the service's share of the quota, its scale events and its latency, to correlate scaling with
// performance. Pure: plain input in, plain JSON out.
import type { MetricConfig } from "../../config";
import { parseQuantity } from "../../quantity";
import { hpaName, type ObservedService, type ScalingObservabilityInput } from "./input";
import type { AdapterRuleConfig } from "../../schema/addons";
import { adapterMetricSource } from "./metric-catalog";
import { hpaMatchers, promAlternation, promString, RECORDED } from "./rules";

/** Grafana dashboard JSON schema version the panels are written for (Grafana 11/12). */
export const DASHBOARD_SCHEMA_VERSION = 39;
/** Grafana rejects dashboard uids longer than this. */
const MAX_UID_LENGTH = 40;

export interface DashboardTarget {
    readonly refId: string;
    readonly expr: string;
    readonly legendFormat: string;
}

export interface DashboardPanel {
    readonly id: number;
    readonly type: "timeseries" | "row";
    readonly title: string;
    readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
    readonly datasource?: { readonly type: "prometheus"; readonly uid: string };
    readonly targets?: readonly DashboardTarget[];
    readonly fieldConfig?: unknown;
    readonly collapsed?: boolean;
    readonly panels?: readonly DashboardPanel[];
    readonly description?: string;
    readonly options?: unknown;
}

export interface Dashboard {
    readonly uid: string;
    readonly title: string;
    readonly tags: readonly string[];
    readonly schemaVersion: number;
    readonly version: number;
    readonly editable: boolean;
    readonly time: { readonly from: string; readonly to: string };
    readonly refresh: string;
    readonly templating: { readonly list: readonly unknown[] };
    readonly annotations: {
        readonly list: readonly { readonly name: string; readonly expr: string; readonly [key: string]: unknown }[];
    };
    readonly panels: readonly DashboardPanel[];
}

const DATASOURCE = { type: "prometheus", uid: "${datasource}" } as const;

/** The dashboard's uid: stable per namespace, so re-deploys update it in place. */
export function dashboardUid(namespace: string): string {
    const uid = `berrys-scaling-${namespace}`;
    if (uid.length <= MAX_UID_LENGTH) {
        return uid;
    }
    // FNV-1a: short, stable, no dependency.
    let hash = 0x811c9dc5;
    for (const char of namespace) {
        hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
    }
    return `berrys-scaling-${hash.toString(16)}`;
}

/** Pods of the service's Deployment: `<deployment>-<replicaset hash>-<suffix>`. */
export function podMatchers(namespace: string, service: string): string {
    return `namespace=${promString(namespace)}, pod=~${promString(`${service}-[a-z0-9]+-[a-z0-9]+`)}`;
}

type Query = Omit<DashboardTarget, "refId">;

/** A timeseries panel before layout: what it shows. */
export interface PanelSpec {
    readonly title: string;
    readonly targets: readonly Query[];
    readonly unit: string;
    /** A red line and area from this value up. */
    readonly threshold?: number;
    readonly description?: string;
    /** Bars instead of lines: the panel shows events. */
    readonly bars?: boolean;
}

/** A panel of a table: each field fixed or built from the section's context `C`; drawn when `when` holds (default: always). */
type PanelTemplate<C> = { readonly [K in keyof PanelSpec]: PanelSpec[K] | ((context: C) => PanelSpec[K]) } & {
    readonly when?: (context: C) => boolean;
};

/** The panels of `templates` that `context` draws, their fields filled in. */
function panelsOf<C>(templates: readonly PanelTemplate<C>[], context: C): PanelSpec[] {
    return templates
        .filter((template) => template.when?.(context) ?? true)
        .map(
            (template) =>
                Object.fromEntries(
                    Object.entries(template)
                        .filter(([key]) => key !== "when")
                        .map(([key, value]) => [key, typeof value === "function" ? value(context) : value]),
                ) as unknown as PanelSpec,
        );
}

/** Panel layout: 3 panels of width 8 per line, rows full width. */
class Layout {
    private id = 0;
    private x = 0;
    private y = 0;
    readonly panels: DashboardPanel[] = [];

    row(title: string): void {
        this.newLine();
        this.panels.push({
            id: ++this.id,
            type: "row",
            title,
            collapsed: false,
            panels: [],
            gridPos: { x: 0, y: this.y, w: 24, h: 1 },
        });
        this.y += 1;
    }

    panel(spec: PanelSpec): void {
        if (this.x >= 24) {
            this.newLine();
        }
        const fieldConfig = fields(spec.unit, spec.threshold);
        this.panels.push({
            id: ++this.id,
            type: "timeseries",
            title: spec.title,
            ...(spec.description === undefined ? {} : { description: spec.description }),
            datasource: DATASOURCE,
            gridPos: { x: this.x, y: this.y, w: 8, h: 8 },
            targets: spec.targets.map((target, index) => ({ refId: String.fromCharCode(65 + index), ...target })),
            fieldConfig: spec.bars ? withBars(fieldConfig) : fieldConfig,
            options: { legend: { displayMode: "list", placement: "bottom" }, tooltip: { mode: "multi" } },
        });
        this.x += 8;
    }

    private newLine(): void {
        if (this.x > 0) {
            this.y += 8;
            this.x = 0;
        }
    }
}

function fields(unit: string, threshold?: number): unknown {
    return {
        defaults: {
            unit,
            ...(threshold === undefined
                ? {}
                : {
                      custom: { thresholdsStyle: { mode: "line+area" } },
                      thresholds: {
                          mode: "absolute",
                          steps: [
                              { color: "green", value: null },
                              { color: "red", value: threshold },
                          ],
                      },
                  }),
        },
        overrides: [],
    };
}

function withBars(fieldConfig: unknown): unknown {
    const config = fieldConfig as { defaults: Record<string, unknown>; overrides: unknown[] };
    return { ...config, defaults: { ...config.defaults, custom: { drawStyle: "bars", fillOpacity: 80 } } };
}

/** The PromQL of one HPA metric and of its target, as the HPA computes them. */
export function metricPanel(
    namespace: string,
    service: string,
    metric: MetricConfig,
    adapterRules: readonly AdapterRuleConfig[],
): PanelSpec {
    const pods = podMatchers(namespace, service);
    const target: Query = {
        expr: `kube_horizontalpodautoscaler_spec_target_metric{namespace=${promString(namespace)}, horizontalpodautoscaler=${promString(hpaName(service))}, metric_name=${promString(metric.name)}}`,
        legendFormat: "target (HPA spec)",
    };
    return metric.type === "Resource"
        ? resourceMetricPanel(pods, metric, target)
        : customMetricPanel(pods, metric, target, adapterRules);
}

/** cpu or memory against its utilization or per-pod target, from cAdvisor and the pods' requests. */
function resourceMetricPanel(
    pods: string,
    metric: Extract<MetricConfig, { type: "Resource" }>,
    target: Query,
): PanelSpec {
    const usage =
        metric.name === "cpu"
            ? `sum(rate(container_cpu_usage_seconds_total{${pods}, container!="", container!="POD"}[$__rate_interval]))`
            : `sum(container_memory_working_set_bytes{${pods}, container!="", container!="POD"})`;
    if (metric.averageUtilization !== undefined) {
        return {
            title: `${metric.name} utilization vs target ${metric.averageUtilization}%`,
            unit: "percent",
            threshold: metric.averageUtilization,
            targets: [
                {
                    expr: `100 * ${usage} / sum(kube_pod_container_resource_requests{${pods}, resource=${promString(metric.name)}})`,
                    legendFormat: `${metric.name} % of requests`,
                },
                target,
            ],
        };
    }
    return {
        title: `${metric.name} per pod vs target ${metric.averageValue}`,
        unit: metric.name === "cpu" ? "short" : "bytes",
        threshold: parseQuantity(metric.averageValue ?? "0"),
        targets: [
            {
                expr: `${usage} / count(count by (pod) (kube_pod_container_resource_requests{${pods}}))`,
                legendFormat: `${metric.name} per pod`,
            },
            target,
        ],
    };
}

/** A Pods or Object metric against its target, as the rate of the counter the adapter's rule reads. */
function customMetricPanel(
    pods: string,
    metric: Exclude<MetricConfig, { type: "Resource" }>,
    target: Query,
    adapterRules: readonly AdapterRuleConfig[],
): PanelSpec {
    const value = metric.type === "Pods" ? metric.averageValue : (metric.averageValue ?? metric.value ?? "0");
    const source = adapterMetricSource(metric.name, adapterRules);
    if (source === undefined) {
        // No adapter rule serves it (the adapter is disabled: config.ts warns): only the target.
        return {
            title: `${metric.name} vs target ${value} (no prometheus-adapter rule serves it)`,
            unit: "short",
            threshold: parseQuantity(value),
            targets: [target],
        };
    }
    const rate = `rate(${source.series}{${pods}}[${source.rateWindow}])`;
    return {
        title: `${metric.name} vs target ${value} (rate of ${source.series} over ${source.rateWindow})`,
        unit: "reqps",
        threshold: parseQuantity(value),
        targets: [
            { expr: `avg(sum by (pod) (${rate}))`, legendFormat: "average per pod (what the HPA compares)" },
            { expr: `sum by (pod) (${rate})`, legendFormat: "{{pod}}" },
            target,
        ],
    };
}

/** What the overview row's panels are built from. */
interface OverviewContext {
    readonly ns: string;
    /** The HPAs of the services the `$service` variable selects. */
    readonly selected: string;
    readonly quotaResources: string;
    readonly quotaUsageRatio: number;
    readonly totalMaxNodes: number;
}

const OVERVIEW_PANELS: readonly PanelTemplate<OverviewContext>[] = [
    {
        title: "Replicas as a fraction of maxReplicas (selected services)",
        targets: ({ selected }) => [
            {
                expr: `kube_horizontalpodautoscaler_status_current_replicas{${selected}} / kube_horizontalpodautoscaler_spec_max_replicas{${selected}}`,
                legendFormat: "{{horizontalpodautoscaler}}",
            },
        ],
        unit: "percentunit",
        threshold: 1,
    },
    {
        title: "Scale events: desired replicas change per 5m (selected services)",
        targets: ({ selected }) => [
            { expr: `${RECORDED.desiredDelta}{${selected}} != 0`, legendFormat: "{{horizontalpodautoscaler}}" },
        ],
        unit: "short",
        description: "Recorded by the berrys-scaling rules; > 0 scaled up, < 0 scaled down.",
        bars: true,
    },
    {
        title: "ResourceQuota usage (used / hard)",
        targets: ({ ns, quotaResources }) => [
            {
                expr: `kube_resourcequota{namespace=${ns}, type="used"${quotaResources}} / ignoring (type) (kube_resourcequota{namespace=${ns}, type="hard"${quotaResources}} > 0)`,
                legendFormat: "{{resource}}",
            },
        ],
        unit: "percentunit",
        threshold: ({ quotaUsageRatio }) => quotaUsageRatio,
    },
    {
        title: "Nodes",
        targets: [
            { expr: "sum by (state) (cluster_autoscaler_nodes_count)", legendFormat: "cluster-autoscaler: {{state}}" },
            { expr: "count(kube_node_info)", legendFormat: "nodes (kube-state-metrics)" },
            { expr: "cluster_autoscaler_node_group_target_count", legendFormat: "target {{node_group}}" },
            { expr: "cluster_autoscaler_node_group_max_count", legendFormat: "max {{node_group}}" },
        ],
        unit: "short",
        threshold: ({ totalMaxNodes }) => totalMaxNodes,
        description: ({ totalMaxNodes }) =>
            `The threshold line is the node groups' total maxSize in the stack config (${totalMaxNodes}).`,
    },
    {
        title: "cluster-autoscaler activity",
        targets: [
            {
                expr: "sum(increase(cluster_autoscaler_scaled_up_nodes_total[$__rate_interval]))",
                legendFormat: "nodes added",
            },
            {
                expr: "sum(increase(cluster_autoscaler_scaled_down_nodes_total[$__rate_interval]))",
                legendFormat: "nodes removed",
            },
            {
                expr: "sum by (reason) (increase(cluster_autoscaler_failed_scale_ups_total[$__rate_interval]))",
                legendFormat: "failed scale-ups ({{reason}})",
            },
            {
                expr: 'max without (type) (cluster_autoscaler_unschedulable_pods_count{type!="scheduler_unprocessed"})',
                legendFormat: "unschedulable pods",
            },
        ],
        unit: "short",
        bars: true,
    },
];

/** What a service's row of panels is built from. */
interface ServiceContext {
    readonly ns: string;
    readonly service: string;
    readonly settings: ObservedService;
    /** The service's HPA in kube-state-metrics series. */
    readonly hpa: string;
    /** The service's pods in cAdvisor and the services' own series. */
    readonly pods: string;
}

/** The replicas panel, first in the row; the HPA metrics' panels follow it, then SERVICE_PANELS. */
const SERVICE_REPLICAS_PANEL: PanelTemplate<ServiceContext> = {
    title: ({ service }) => `${service}: replicas`,
    targets: ({ hpa }) => [
        { expr: `kube_horizontalpodautoscaler_status_current_replicas{${hpa}}`, legendFormat: "current" },
        { expr: `kube_horizontalpodautoscaler_status_desired_replicas{${hpa}}`, legendFormat: "desired" },
        { expr: `kube_horizontalpodautoscaler_spec_min_replicas{${hpa}}`, legendFormat: "min" },
        { expr: `kube_horizontalpodautoscaler_spec_max_replicas{${hpa}}`, legendFormat: "max" },
    ],
    unit: "short",
};

const SERVICE_PANELS: readonly PanelTemplate<ServiceContext>[] = [
    {
        title: ({ service }) => `${service}: share of the namespace quota (requests)`,
        targets: ({ ns, pods }) =>
            (["cpu", "memory"] as const).map((resource) => ({
                expr: `sum(kube_pod_container_resource_requests{${pods}, resource="${resource}"}) / sum(kube_resourcequota{namespace=${ns}, type="hard", resource="requests.${resource}"})`,
                legendFormat: `requests.${resource}`,
            })),
        unit: "percentunit",
    },
    {
        title: ({ service }) => `${service}: scale events`,
        targets: ({ hpa }) => [
            { expr: `${RECORDED.desiredDelta}{${hpa}} != 0`, legendFormat: "desired replicas change per 5m" },
            { expr: `${RECORDED.currentChanges}{${hpa}}`, legendFormat: "current replicas changes per 5m" },
        ],
        unit: "short",
        bars: true,
    },
    {
        title: ({ service }) => `${service}: latency and request rate`,
        targets: ({ pods }) => [
            {
                expr: `histogram_quantile(0.95, sum by (le) (rate(request_duration_seconds_bucket{${pods}}[$__rate_interval])))`,
                legendFormat: "p95 latency (s)",
            },
            { expr: `sum(rate(http_requests_total{${pods}}[$__rate_interval]))`, legendFormat: "requests/s" },
            {
                expr: `sum(rate(http_requests_total{${pods}, status=~"5.."}[$__rate_interval]))`,
                legendFormat: "5xx/s",
            },
        ],
        unit: "short",
        description: "Correlate with the scale events: latency or errors rising while replicas change.",
    },
    {
        when: ({ settings }) => settings.database !== undefined,
        title: ({ service }) => `${service}: database connections`,
        targets: ({ pods }) => [
            { expr: `sum by (status) (database_connections_total{${pods}})`, legendFormat: "{{status}}" },
        ],
        unit: "short",
        threshold: ({ settings }) =>
            (settings.database!.poolSize + settings.database!.maxOverflow) * settings.maxReplicas,
        description: ({ settings }) =>
            `Pool of ${settings.database!.poolSize} + ${settings.database!.maxOverflow} overflow per pod; the line is that pool at maxReplicas (${settings.maxReplicas}).`,
    },
];

/** A service's panels: replicas, one per HPA metric against its target, then SERVICE_PANELS. */
function servicePanels(input: ScalingObservabilityInput, context: ServiceContext): PanelSpec[] {
    const metrics = context.settings.metrics.map((metric): PanelSpec => {
        const panel = metricPanel(input.namespace, context.service, metric, input.adapterRules);
        return { ...panel, title: `${context.service}: ${panel.title}` };
    });
    return [...panelsOf([SERVICE_REPLICAS_PANEL], context), ...metrics, ...panelsOf(SERVICE_PANELS, context)];
}

/** Every panel: the overview row, then one row per service. */
function dashboardPanels(input: ScalingObservabilityInput): DashboardPanel[] {
    const ns = promString(input.namespace);
    const layout = new Layout();
    layout.row(`Overview: ${input.namespace} on ${input.clusterName}`);
    const overview: OverviewContext = {
        ns,
        selected: `namespace=${ns}, horizontalpodautoscaler=~"($service)-hpa"`,
        quotaResources: input.quotaKeys.length > 0 ? `, resource=~${promAlternation(input.quotaKeys)}` : "",
        quotaUsageRatio: input.monitoring.quotaUsageRatio,
        totalMaxNodes: Object.values(input.nodeGroups).reduce((sum, group) => sum + group.maxSize, 0),
    };
    panelsOf(OVERVIEW_PANELS, overview).forEach((panel) => layout.panel(panel));
    for (const [service, settings] of Object.entries(input.services)) {
        layout.row(`${service} (${hpaName(service)}: ${settings.minReplicas}-${settings.maxReplicas} replicas)`);
        const hpa = `namespace=${ns}, horizontalpodautoscaler=${promString(hpaName(service))}`;
        const context = { ns, service, settings, hpa, pods: podMatchers(input.namespace, service) };
        servicePanels(input, context).forEach((panel) => layout.panel(panel));
    }
    return layout.panels;
}

/** The `$datasource` and `$service` variables. */
function templating(services: readonly string[]): Dashboard["templating"] {
    return {
        list: [
            { name: "datasource", label: "Prometheus", type: "datasource", query: "prometheus", current: {}, hide: 0 },
            {
                name: "service",
                label: "Service",
                type: "custom",
                multi: true,
                includeAll: true,
                query: services.join(","),
                current: { selected: true, text: ["All"], value: ["$__all"] },
                options: services.map((name) => ({ selected: false, text: name, value: name })),
                hide: 0,
            },
        ],
    };
}

export function scalingDashboard(input: ScalingObservabilityInput): Dashboard {
    return {
        uid: dashboardUid(input.namespace),
        title: `Berrys scaling (${input.namespace})`,
        tags: ["berrys", "scaling", input.namespace],
        schemaVersion: DASHBOARD_SCHEMA_VERSION,
        version: 1,
        editable: true,
        time: { from: "now-6h", to: "now" },
        refresh: "1m",
        templating: templating(Object.keys(input.services)),
        annotations: {
            list: [
                {
                    name: "Scale events",
                    datasource: DATASOURCE,
                    enable: true,
                    iconColor: "orange",
                    expr: `${RECORDED.desiredDelta}{${hpaMatchers(input)}} != 0`,
                    step: "5m",
                    titleFormat: "{{horizontalpodautoscaler}} scaled",
                    textFormat: "desired replicas changed by {{value}} over 5m",
                },
            ],
        },
        panels: dashboardPanels(input),
    };
}
