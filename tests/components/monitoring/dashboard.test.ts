import * as assert from "assert";
import {
    dashboardUid,
    metricPanel,
    scalingDashboard,
    type DashboardPanel,
} from "../../../components/monitoring/dashboard";
import { adapterMetricSource, METRIC_CATALOG } from "../../../components/monitoring/metric-catalog";
import { RECORDED } from "../../../components/monitoring/rules";
import { itKeepsOutput } from "../../helpers/capacity-hashes";
import { stackConfig } from "../../helpers/stacks";
import { productionInput } from "../../helpers/monitoring-input";
import { metricNames, promqlErrors, substituteGrafanaVariables } from "../../helpers/promql";

describe("monitoring/dashboard: the Berrys scaling Grafana dashboard", () => {
    const dashboard = scalingDashboard(productionInput());
    const json = JSON.stringify(dashboard);
    const parsed = JSON.parse(json) as typeof dashboard;
    const panels = parsed.panels.filter((panel) => panel.type !== "row");
    const queries = [
        ...panels.flatMap((panel) =>
            (panel.targets ?? []).map((target) => ({ where: `panel ${panel.id} "${panel.title}"`, expr: target.expr })),
        ),
        ...parsed.annotations.list.map((annotation) => ({
            where: `annotation "${annotation.name}"`,
            expr: annotation.expr,
        })),
    ];

    it("is JSON-serialisable and survives a round trip unchanged", () => {
        assert.deepStrictEqual(parsed, dashboard);
        assert.strictEqual(parsed.schemaVersion, 39);
    });

    it("has unique panel ids and panels inside the 24-column grid without overlap", () => {
        const ids = parsed.panels.map((panel) => panel.id);
        assert.strictEqual(new Set(ids).size, ids.length);
        const cells = new Set<string>();
        for (const panel of parsed.panels) {
            assert.ok(panel.gridPos.x + panel.gridPos.w <= 24, panel.title);
            for (let x = panel.gridPos.x; x < panel.gridPos.x + panel.gridPos.w; x++) {
                for (let y = panel.gridPos.y; y < panel.gridPos.y + panel.gridPos.h; y++) {
                    assert.ok(!cells.has(`${x},${y}`), `${panel.title} overlaps another panel at ${x},${y}`);
                    cells.add(`${x},${y}`);
                }
            }
        }
    });

    it("every query parses once Grafana variables are replaced", () => {
        assert.ok(queries.length > 40);
        for (const { where, expr } of queries) {
            assert.deepStrictEqual(promqlErrors(substituteGrafanaVariables(expr)), [], `${where}: ${expr}`);
        }
    });

    it("every metric a query selects is in the catalog or recorded by the scaling rules", () => {
        const recorded = new Set<string>(Object.values(RECORDED));
        for (const { where, expr } of queries) {
            for (const name of metricNames(substituteGrafanaVariables(expr))) {
                assert.ok(
                    METRIC_CATALOG[name] || recorded.has(name),
                    `${name} (${where}) is not exposed by any listed source`,
                );
            }
        }
    });

    it("never queries an adapter-served metric name: those are not Prometheus series", () => {
        for (const { where, expr } of queries) {
            for (const name of metricNames(substituteGrafanaVariables(expr))) {
                assert.ok(
                    !productionInput().adapterRules.some((rule) => rule.metric === name),
                    `${where} selects ${name}, which only the adapter serves`,
                );
            }
        }
    });

    it("has a row per production service with replicas, each HPA metric, quota share, scale events, latency and its connection pool", () => {
        const config = stackConfig("production");
        for (const [service, settings] of Object.entries(config.services)) {
            const own = panels.filter((panel) => panel.title.startsWith(`${service}: `));
            assert.ok(
                parsed.panels.some((panel) => panel.type === "row" && panel.title.startsWith(`${service} (`)),
                `no row for ${service}`,
            );
            const titles = own.map((panel) => panel.title);
            assert.ok(titles.includes(`${service}: replicas`));
            const replicas = own.find((panel) => panel.title === `${service}: replicas`) as DashboardPanel;
            assert.deepStrictEqual(
                replicas.targets?.map((target) => target.legendFormat),
                ["current", "desired", "min", "max"],
            );
            for (const metric of settings.metrics) {
                assert.ok(
                    titles.some((title) => title.includes(metric.name)),
                    `${service} has no panel for ${metric.name}`,
                );
            }
            assert.ok(titles.includes(`${service}: share of the namespace quota (requests)`));
            assert.ok(titles.includes(`${service}: scale events`));
            assert.ok(titles.includes(`${service}: latency and request rate`));
            assert.strictEqual(titles.includes(`${service}: database connections`), settings.database !== undefined);
            assert.strictEqual(
                own.length,
                4 + settings.metrics.length + (settings.database ? 1 : 0),
                titles.join(", "),
            );
        }
    });

    it("has overview panels for quota usage and nodes against the configured max", () => {
        const titles = panels.map((panel) => panel.title);
        assert.ok(titles.includes("ResourceQuota usage (used / hard)"));
        assert.ok(titles.includes("Nodes"));
    });

    it("offers the services as the $service variable", () => {
        const variable = (parsed.templating.list as { name: string; query?: string }[]).find(
            (entry) => entry.name === "service",
        );
        assert.strictEqual(variable?.query, "agent-orchestrator,model-orchestration,api-gateway,web-dashboard");
    });

    it("model_requests_per_second is drawn from rate(model_requests_total[2m]) per pod against 20", () => {
        const panel = metricPanel(
            "berrys-production",
            "model-orchestration",
            { type: "Pods", name: "model_requests_per_second", averageValue: "20" },
            productionInput().adapterRules,
        );
        assert.strictEqual(panel.threshold, 20);
        assert.strictEqual(
            panel.targets[0].expr,
            'avg(sum by (pod) (rate(model_requests_total{namespace="berrys-production", pod=~"model-orchestration-[a-z0-9]+-[a-z0-9]+"}[2m])))',
        );
    });

    it("cpu utilization is usage over requests, in percent, against the HPA's target", () => {
        const panel = metricPanel("ns", "api-gateway", { type: "Resource", name: "cpu", averageUtilization: 70 }, []);
        assert.strictEqual(panel.unit, "percent");
        assert.strictEqual(panel.threshold, 70);
        assert.match(
            panel.targets[0].expr,
            /^100 \* sum\(rate\(container_cpu_usage_seconds_total\{.*\}\[\$__rate_interval\]\)\) \/ sum\(kube_pod_container_resource_requests\{.*resource="cpu"\}\)$/,
        );
    });

    it("maps adapter metrics back to their counters through the stack's own adapter rules", () => {
        const rules = productionInput().adapterRules;
        assert.deepStrictEqual(adapterMetricSource("agent_creation_rate", rules), {
            series: "agent_created_total",
            rateWindow: "5m",
        });
        assert.deepStrictEqual(adapterMetricSource("model_requests_per_second", rules), {
            series: "model_requests_total",
            rateWindow: "2m",
        });
        assert.strictEqual(adapterMetricSource("jobs_per_second", rules), undefined);
        const custom = [...rules, { series: "jobs_done_total", metric: "jobs_per_second", window: "3m" }];
        assert.deepStrictEqual(adapterMetricSource("jobs_per_second", custom), {
            series: "jobs_done_total",
            rateWindow: "3m",
        });
    });

    it("a custom metric no adapter rule serves (adapter disabled) gets its target only, no made-up query", () => {
        const panel = metricPanel("ns", "worker", { type: "Pods", name: "queue_depth", averageValue: "5" }, []);
        assert.match(panel.title, /no prometheus-adapter rule serves it/);
        assert.deepStrictEqual(
            panel.targets.map((target) => target.legendFormat),
            ["target (HPA spec)"],
        );
    });

    it("uid is stable per namespace and within Grafana's 40 characters", () => {
        assert.strictEqual(parsed.uid, "berrys-scaling-berrys-production");
        assert.strictEqual(dashboardUid("x".repeat(63)), dashboardUid("x".repeat(63)));
        assert.ok(dashboardUid("x".repeat(63)).length <= 40);
        assert.notStrictEqual(dashboardUid("a".repeat(63)), dashboardUid("b".repeat(63)));
    });
});

itKeepsOutput("scalingDashboard");
