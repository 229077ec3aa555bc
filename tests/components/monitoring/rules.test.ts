import * as assert from "assert";
import { readFileSync } from "fs";
import { join } from "path";
import { METRIC_CATALOG } from "../../../components/monitoring/metric-catalog";
import {
    DEFAULT_SEVERITY,
    RECORDED,
    scalingAlerts,
    scalingRuleGroups,
    type AlertingRule,
    type RecordingRule,
} from "../../../components/monitoring/rules";
import { runbookAnchor, troubleshootingMarkdown } from "../../../components/monitoring/runbooks";
import { DUPLICATED_DEFAULT_ALERTS_OFF } from "../../../components/prometheus-stack";
import { SCALING_ALERTS } from "../../../schema/monitoring";
import { itKeepsOutput } from "../../helpers/capacity-hashes";
import { productionInput } from "../../helpers/monitoring-input";
import { metricNames, promqlErrors } from "../../helpers/promql";

const isAlert = (rule: RecordingRule | AlertingRule): rule is AlertingRule => "alert" in rule;
const alertNamed = (alerts: AlertingRule[], name: string) => alerts.find((rule) => rule.alert === name) as AlertingRule;

describe("monitoring/rules: the berrys-scaling PrometheusRule groups", () => {
    const groups = scalingRuleGroups(productionInput());
    const rules = groups.flatMap((group) => group.rules);
    const recorded = new Set(
        rules.filter((rule): rule is RecordingRule => "record" in rule).map((rule) => rule.record),
    );

    it("every expression parses with Prometheus's PromQL grammar", () => {
        for (const rule of rules) {
            assert.deepStrictEqual(
                promqlErrors(rule.expr),
                [],
                `${"alert" in rule ? rule.alert : rule.record}: ${rule.expr}`,
            );
        }
    });

    it("every metric an expression selects is in the catalog or recorded by these rules", () => {
        for (const rule of rules) {
            for (const name of metricNames(rule.expr)) {
                assert.ok(
                    METRIC_CATALOG[name] || recorded.has(name),
                    `${name} (in ${"alert" in rule ? rule.alert : rule.record}) is not exposed by any listed source`,
                );
            }
        }
    });

    it("recording-rule names follow level:metric:operations", () => {
        for (const name of recorded) {
            assert.match(name, /^[a-z_]+:[a-z_]+:[a-z0-9_]+$/, name);
        }
        assert.deepStrictEqual([...recorded].sort(), Object.values(RECORDED).sort());
    });

    it("defines every alert of the schema, once, with a severity and a cluster label", () => {
        const alerts = rules.filter(isAlert);
        assert.deepStrictEqual(
            alerts.map((rule) => rule.alert),
            [...SCALING_ALERTS],
        );
        for (const rule of alerts) {
            assert.strictEqual(rule.labels.severity, DEFAULT_SEVERITY[rule.alert]);
            assert.strictEqual(rule.labels.cluster, "berrys-production");
            assert.ok(rule.annotations.summary && rule.annotations.description, rule.alert);
        }
    });

    it("scopes HPA rules to the stack's namespace and the four seed HPAs", () => {
        const scoped =
            'namespace="berrys-production", horizontalpodautoscaler=~"agent-orchestrator-hpa|model-orchestration-hpa|api-gateway-hpa|web-dashboard-hpa"';
        for (const rule of rules.filter((rule) => !isAlert(rule) || rule.alert.startsWith("Hpa"))) {
            assert.ok(rule.expr.includes(scoped), rule.expr);
        }
    });

    it("HpaMetricUnavailable: a spec metric with no status entry while another metric of the HPA has one (kube-state-metrics v2.20.0 spec_target_metric / status_target_metric)", () => {
        const rule = alertNamed(rules.filter(isAlert), "HpaMetricUnavailable");
        const hpa =
            'namespace="berrys-production", horizontalpodautoscaler=~"agent-orchestrator-hpa|model-orchestration-hpa|api-gateway-hpa|web-dashboard-hpa"';
        // horizontal.go computeReplicasForMetrics (v1.34) leaves a failed metric's status entry empty and keeps
        // ScalingActive True on the others: the join is on the metric's name, per HPA.
        assert.strictEqual(
            rule.expr,
            "(\n" +
                `  count by (namespace, horizontalpodautoscaler, metric_name) (kube_horizontalpodautoscaler_spec_target_metric{${hpa}})\n` +
                "  unless on (namespace, horizontalpodautoscaler, metric_name)\n" +
                `  kube_horizontalpodautoscaler_status_target_metric{${hpa}}\n` +
                ")\n" +
                "and on (namespace, horizontalpodautoscaler)\n" +
                `(count by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_target_metric{${hpa}}) > 0)`,
        );
        assert.strictEqual(rule.for, "5m");
        assert.strictEqual(rule.labels.severity, "warning");
        assert.match(rule.annotations.summary, /\{\{ \$labels\.metric_name \}\}/);
        assert.strictEqual(rule.annotations.runbook_url, "docs/runbooks.md#hpametricunavailable");
        // Not a second HpaScalingInactive: that one reads the condition, this one needs a served metric.
        assert.doesNotMatch(rule.expr, /status_condition/);
    });

    it("HpaMetricUnavailable's description says HpaScalingInactive fires too when the served metrics would scale down", () => {
        const description = alertNamed(rules.filter(isAlert), "HpaMetricUnavailable").annotations.description;
        assert.doesNotMatch(description, /HpaScalingInactive is quiet/);
        assert.match(
            description,
            /when they would scale down, the HPA sets ScalingActive=False and HpaScalingInactive fires as well/,
        );
    });

    it("quota alert covers exactly the quota keys of the stack, dots escaped", () => {
        const expr = alertNamed(rules.filter(isAlert), "NamespaceQuotaNearLimit").expr;
        assert.ok(
            expr.includes(
                'resource=~"requests\\\\.cpu|requests\\\\.memory|limits\\\\.cpu|limits\\\\.memory|pods|persistentvolumeclaims|services"',
            ),
            expr,
        );
    });

    it("node-group fallback compares the node count with the node groups' total maxSize (10)", () => {
        assert.ok(alertNamed(rules.filter(isAlert), "NodeGroupAtMaxSize").expr.includes("count(kube_node_info) >= 10"));
    });

    it("each alert's runbook_url points at a heading of the docs/runbooks.md troubleshooting text", () => {
        const headings = new Set(
            troubleshootingMarkdown()
                .split("\n")
                .filter((line) => line.startsWith("#### "))
                .map((line) => githubSlug(line.slice(5))),
        );
        for (const rule of rules.filter(isAlert)) {
            assert.strictEqual(rule.annotations.runbook_url, `docs/runbooks.md#${runbookAnchor(rule.alert)}`);
            assert.ok(
                headings.has(runbookAnchor(rule.alert)),
                `no docs/runbooks.md heading for #${runbookAnchor(rule.alert)}`,
            );
        }
    });

    it("addons.monitoring.runbookBaseUrl makes the runbook links absolute, so they open from Alertmanager and chat", () => {
        const base = "https://github.com/acme/berrys-platform/blob/main/docs/runbooks.md";
        const alerts = scalingRuleGroups(productionInput({ runbookBaseUrl: base }))
            .flatMap((group) => group.rules)
            .filter(isAlert);
        assert.ok(alerts.length > 0);
        for (const rule of alerts)
            assert.strictEqual(rule.annotations.runbook_url, `${base}#${runbookAnchor(rule.alert)}`);
        assert.strictEqual(alertNamed(alerts, "HpaAtMaxReplicas").annotations.runbook_url, `${base}#hpaatmaxreplicas`);
    });
});

describe("monitoring/rules: thresholds from addons.monitoring reach the rules", () => {
    const defaults = scalingAlerts(productionInput());
    // [the key set, the alert whose `for` it sets, the default, the value set]
    const durations: [key: unknown, alert: string, before: string, expected: string][] = [
        [{ hpaAtMaxFor: "42m" }, "HpaAtMaxReplicas", "15m", "42m"],
        [{ replicasMismatchFor: "33m" }, "HpaReplicasMismatch", "15m", "33m"],
        [{ hpaConditionFor: "7m" }, "HpaScalingInactive", "5m", "7m"],
        [{ hpaConditionFor: "7m" }, "HpaUnableToScale", "5m", "7m"],
        [{ nodeGroupAtMaxFor: "1h" }, "NodeGroupAtMaxSize", "15m", "1h"],
        [{ unschedulablePodsFor: "3m" }, "ClusterAutoscalerUnschedulablePods", "10m", "3m"],
        [{ addonUnavailableFor: "2m" }, "MetricsServerUnavailable", "5m", "2m"],
        [{ addonUnavailableFor: "2m" }, "PrometheusAdapterUnavailable", "5m", "2m"],
    ];
    const cases: {
        key: unknown;
        alert: string;
        check: (rule: AlertingRule) => unknown;
        expected: unknown;
        before: unknown;
    }[] = [
        ...durations.map(([key, alert, before, expected]) => ({
            key,
            alert,
            check: (rule: AlertingRule) => rule.for,
            before,
            expected,
        })),
        {
            key: { thrashing: { directionChanges: 6, window: "2h" } },
            alert: "HpaThrashing",
            check: (rule) => /\[(\w+)\]\) > (\d+)$/.exec(rule.expr)?.slice(1),
            before: ["1h", "4"],
            expected: ["2h", "6"],
        },
        {
            key: { quotaUsageRatio: 0.75 },
            alert: "NamespaceQuotaNearLimit",
            check: (rule) => /> ([\d.]+)$/.exec(rule.expr)?.[1],
            before: "0.9",
            expected: "0.75",
        },
        {
            key: { severity: { HpaAtMaxReplicas: "critical" } },
            alert: "HpaAtMaxReplicas",
            check: (rule) => rule.labels.severity,
            before: "warning",
            expected: "critical",
        },
    ];
    for (const { key, alert, check, before, expected } of cases) {
        it(`${JSON.stringify(key)} changes ${alert}`, () => {
            assert.deepStrictEqual(check(alertNamed(defaults, alert)), before);
            const changed = alertNamed(scalingAlerts(productionInput(key)), alert);
            assert.deepStrictEqual(check(changed), expected);
            assert.deepStrictEqual(promqlErrors(changed.expr), []);
        });
    }
});

/** GitHub's heading anchor: lower case, spaces to '-', punctuation dropped. */
function githubSlug(heading: string): string {
    return heading
        .trim()
        .toLowerCase()
        .replace(/[^\w\- ]/g, "")
        .replace(/ /g, "-");
}

describe("docs/observability.md: the chart alerts the program switches off", () => {
    it("names each chart alert switched off for every namespace, its replacement and the namespaces left uncovered", () => {
        const docs = readFileSync(join(__dirname, "../../../docs/observability.md"), "utf8");
        const section = docs.slice(docs.indexOf("## What the alerts do not cover"));
        assert.ok(section.startsWith("## What the alerts do not cover"), "docs/observability.md lacks the section");
        const replacements: Record<keyof typeof DUPLICATED_DEFAULT_ALERTS_OFF, string> = {
            KubeHpaMaxedOut: "HpaAtMaxReplicas",
            KubeHpaReplicasMismatch: "HpaReplicasMismatch",
            KubeQuotaAlmostFull: "NamespaceQuotaNearLimit",
        };
        for (const [chartAlert, replacement] of Object.entries(replacements)) {
            assert.match(section, new RegExp(`\\| ${chartAlert} \\| ${replacement} \\|`), chartAlert);
        }
        assert.deepStrictEqual(Object.keys(DUPLICATED_DEFAULT_ALERTS_OFF).sort(), Object.keys(replacements).sort());
        assert.match(
            section,
            /an HPA or a ResourceQuota in \*\*any other namespace\*\* gets none of these three alerts/,
        );
    });
});

itKeepsOutput("scalingRuleGroups");
