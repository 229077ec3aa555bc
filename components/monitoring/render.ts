// What `npm run render` prints for the scaling observability: the PrometheusRule as YAML (as
// `kubectl get -o yaml` would show it) and an outline of the dashboard, one line per panel.
import { stringify } from "yaml";
import { scalingDashboard } from "./dashboard";
import type { ScalingObservabilityInput } from "./input";
import { SCALING_RULE_NAME, scalingRuleGroups } from "./rules";

export interface RenderMonitoringOptions {
    /** Namespace of the PrometheusRule and the ConfigMap. */
    readonly namespace: string;
    /** Labels the PrometheusRule carries for the Prometheus ruleSelector. */
    readonly ruleLabels: Readonly<Record<string, string>>;
    /** Print the whole dashboard JSON instead of its outline. */
    readonly fullDashboard?: boolean;
}

export function renderMonitoring(input: ScalingObservabilityInput, options: RenderMonitoringOptions): string {
    const sections: string[] = [];
    const m = input.monitoring;
    if (!m.enabled) {
        return "# scaling observability: disabled (addons.monitoring.enabled: false)\n";
    }
    if (m.rules) {
        sections.push(
            `# PrometheusRule ${options.namespace}/${SCALING_RULE_NAME}`,
            stringify({
                apiVersion: "monitoring.coreos.com/v1",
                kind: "PrometheusRule",
                metadata: { name: SCALING_RULE_NAME, namespace: options.namespace, labels: options.ruleLabels },
                spec: { groups: scalingRuleGroups(input) },
            }, { lineWidth: 0 }),
        );
    } else {
        sections.push("# PrometheusRule: disabled (addons.monitoring.rules: false)");
    }
    if (m.dashboard) {
        const dashboard = scalingDashboard(input);
        sections.push(`# Grafana dashboard "${dashboard.title}" (uid ${dashboard.uid}), ${dashboard.panels.length} panels`);
        if (options.fullDashboard) {
            sections.push(JSON.stringify(dashboard, null, 2));
        } else {
            for (const panel of dashboard.panels) {
                sections.push(panel.type === "row" ? `## ${panel.title}` : `  - ${panel.title} (${panel.targets?.length ?? 0} queries)`);
            }
        }
    } else {
        sections.push("# Grafana dashboard: disabled (addons.monitoring.dashboard: false)");
    }
    return `${sections.join("\n")}\n`;
}
