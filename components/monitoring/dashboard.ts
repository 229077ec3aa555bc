// The "Berrys scaling" Grafana dashboard, as the JSON the kube-prometheus-stack Grafana sidecar
// loads from a labelled ConfigMap. An overview row (quota, nodes, cluster-autoscaler, every scale
// event), then one row per service: replicas against min/max, each HPA metric against its target,
// the service's share of the quota, its scale events and its latency, to correlate scaling with
// performance. Pure: plain input in, plain JSON out.
import type { MetricConfig } from "../../config";
import { parseQuantity } from "../../quantity";
import { hpaName, type ScalingObservabilityInput } from "./input";
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

    panel(
        title: string,
        targets: readonly Omit<DashboardTarget, "refId">[],
        fieldConfig: unknown,
        description?: string,
        drawBars = false,
    ): void {
        if (this.x >= 24) {
            this.newLine();
        }
        this.panels.push({
            id: ++this.id,
            type: "timeseries",
            title,
            ...(description === undefined ? {} : { description }),
            datasource: DATASOURCE,
            gridPos: { x: this.x, y: this.y, w: 8, h: 8 },
            targets: targets.map((target, index) => ({ refId: String.fromCharCode(65 + index), ...target })),
            fieldConfig: drawBars ? withBars(fieldConfig) : fieldConfig,
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
): { title: string; targets: Omit<DashboardTarget, "refId">[]; unit: string; threshold?: number } {
    const pods = podMatchers(namespace, service);
    const target = `kube_horizontalpodautoscaler_spec_target_metric{namespace=${promString(namespace)}, horizontalpodautoscaler=${promString(hpaName(service))}, metric_name=${promString(metric.name)}}`;
    if (metric.type === "Resource") {
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
                    { expr: target, legendFormat: "target (HPA spec)" },
                ],
            };
        }
        const perPod = parseQuantity(metric.averageValue ?? "0");
        return {
            title: `${metric.name} per pod vs target ${metric.averageValue}`,
            unit: metric.name === "cpu" ? "short" : "bytes",
            threshold: perPod,
            targets: [
                {
                    expr: `${usage} / count(count by (pod) (kube_pod_container_resource_requests{${pods}}))`,
                    legendFormat: `${metric.name} per pod`,
                },
                { expr: target, legendFormat: "target (HPA spec)" },
            ],
        };
    }
    const value = metric.type === "Pods" ? metric.averageValue : (metric.averageValue ?? metric.value ?? "0");
    const source = adapterMetricSource(metric.name, adapterRules);
    if (source === undefined) {
        // No adapter rule serves it (the adapter is disabled: config.ts warns): only the target.
        return {
            title: `${metric.name} vs target ${value} (no prometheus-adapter rule serves it)`,
            unit: "short",
            threshold: parseQuantity(value),
            targets: [{ expr: target, legendFormat: "target (HPA spec)" }],
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
            { expr: target, legendFormat: "target (HPA spec)" },
        ],
    };
}

export function scalingDashboard(input: ScalingObservabilityInput): Dashboard {
    const ns = promString(input.namespace);
    const selected = `namespace=${ns}, horizontalpodautoscaler=~"($service)-hpa"`;
    const totalMaxNodes = Object.values(input.nodeGroups).reduce((sum, group) => sum + group.maxSize, 0);
    const quotaResources = input.quotaKeys.length > 0 ? `, resource=~${promAlternation(input.quotaKeys)}` : "";
    const layout = new Layout();

    layout.row(`Overview: ${input.namespace} on ${input.clusterName}`);
    layout.panel(
        "Replicas as a fraction of maxReplicas (selected services)",
        [
            {
                expr: `kube_horizontalpodautoscaler_status_current_replicas{${selected}} / kube_horizontalpodautoscaler_spec_max_replicas{${selected}}`,
                legendFormat: "{{horizontalpodautoscaler}}",
            },
        ],
        fields("percentunit", 1),
    );
    layout.panel(
        "Scale events: desired replicas change per 5m (selected services)",
        [{ expr: `${RECORDED.desiredDelta}{${selected}} != 0`, legendFormat: "{{horizontalpodautoscaler}}" }],
        fields("short"),
        "Recorded by the berrys-scaling rules; > 0 scaled up, < 0 scaled down.",
        true,
    );
    layout.panel(
        "ResourceQuota usage (used / hard)",
        [
            {
                expr: `kube_resourcequota{namespace=${ns}, type="used"${quotaResources}} / ignoring (type) (kube_resourcequota{namespace=${ns}, type="hard"${quotaResources}} > 0)`,
                legendFormat: "{{resource}}",
            },
        ],
        fields("percentunit", input.monitoring.quotaUsageRatio),
    );
    layout.panel(
        "Nodes",
        [
            { expr: "sum by (state) (cluster_autoscaler_nodes_count)", legendFormat: "cluster-autoscaler: {{state}}" },
            { expr: "count(kube_node_info)", legendFormat: "nodes (kube-state-metrics)" },
            { expr: "cluster_autoscaler_node_group_target_count", legendFormat: "target {{node_group}}" },
            { expr: "cluster_autoscaler_node_group_max_count", legendFormat: "max {{node_group}}" },
        ],
        fields("short", totalMaxNodes),
        `The threshold line is the node groups' total maxSize in the stack config (${totalMaxNodes}).`,
    );
    layout.panel(
        "cluster-autoscaler activity",
        [
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
        fields("short"),
        undefined,
        true,
    );

    for (const [service, settings] of Object.entries(input.services)) {
        const hpa = `namespace=${ns}, horizontalpodautoscaler=${promString(hpaName(service))}`;
        const pods = podMatchers(input.namespace, service);
        layout.row(`${service} (${hpaName(service)}: ${settings.minReplicas}-${settings.maxReplicas} replicas)`);
        layout.panel(
            `${service}: replicas`,
            [
                { expr: `kube_horizontalpodautoscaler_status_current_replicas{${hpa}}`, legendFormat: "current" },
                { expr: `kube_horizontalpodautoscaler_status_desired_replicas{${hpa}}`, legendFormat: "desired" },
                { expr: `kube_horizontalpodautoscaler_spec_min_replicas{${hpa}}`, legendFormat: "min" },
                { expr: `kube_horizontalpodautoscaler_spec_max_replicas{${hpa}}`, legendFormat: "max" },
            ],
            fields("short"),
        );
        for (const metric of settings.metrics) {
            const panel = metricPanel(input.namespace, service, metric, input.adapterRules);
            layout.panel(`${service}: ${panel.title}`, panel.targets, fields(panel.unit, panel.threshold));
        }
        layout.panel(
            `${service}: share of the namespace quota (requests)`,
            (["cpu", "memory"] as const).map((resource) => ({
                expr: `sum(kube_pod_container_resource_requests{${pods}, resource="${resource}"}) / sum(kube_resourcequota{namespace=${ns}, type="hard", resource="requests.${resource}"})`,
                legendFormat: `requests.${resource}`,
            })),
            fields("percentunit"),
        );
        layout.panel(
            `${service}: scale events`,
            [
                { expr: `${RECORDED.desiredDelta}{${hpa}} != 0`, legendFormat: "desired replicas change per 5m" },
                { expr: `${RECORDED.currentChanges}{${hpa}}`, legendFormat: "current replicas changes per 5m" },
            ],
            fields("short"),
            undefined,
            true,
        );
        layout.panel(
            `${service}: latency and request rate`,
            [
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
            fields("short"),
            "Correlate with the scale events: latency or errors rising while replicas change.",
        );
        if (settings.database) {
            const perPod = settings.database.poolSize + settings.database.maxOverflow;
            layout.panel(
                `${service}: database connections`,
                [{ expr: `sum by (status) (database_connections_total{${pods}})`, legendFormat: "{{status}}" }],
                fields("short", perPod * settings.maxReplicas),
                `Pool of ${settings.database.poolSize} + ${settings.database.maxOverflow} overflow per pod; the line is that pool at maxReplicas (${settings.maxReplicas}).`,
            );
        }
    }

    const names = Object.keys(input.services);
    return {
        uid: dashboardUid(input.namespace),
        title: `Berrys scaling (${input.namespace})`,
        tags: ["berrys", "scaling", input.namespace],
        schemaVersion: DASHBOARD_SCHEMA_VERSION,
        version: 1,
        editable: true,
        time: { from: "now-6h", to: "now" },
        refresh: "1m",
        templating: {
            list: [
                {
                    name: "datasource",
                    label: "Prometheus",
                    type: "datasource",
                    query: "prometheus",
                    current: {},
                    hide: 0,
                },
                {
                    name: "service",
                    label: "Service",
                    type: "custom",
                    multi: true,
                    includeAll: true,
                    query: names.join(","),
                    current: { selected: true, text: ["All"], value: ["$__all"] },
                    options: names.map((name) => ({ selected: false, text: name, value: name })),
                    hide: 0,
                },
            ],
        },
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
        panels: layout.panels,
    };
}
