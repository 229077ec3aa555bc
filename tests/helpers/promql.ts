// PromQL checks for the tests, on Prometheus's own grammar (@prometheus-io/lezer-promql, the parser
// of the Prometheus UI). The parser never throws: it recovers and marks what it could not parse
// with error nodes (⚠), so "parses" means "the tree has no error node".
import { parser } from "@prometheus-io/lezer-promql";

/** Where the expression fails to parse, one line per error node; empty when it parses. */
export function promqlErrors(expr: string): string[] {
    const errors: string[] = [];
    if (expr.trim() === "") {
        return ["empty expression"];
    }
    parser.parse(expr).iterate({
        enter: (node) => {
            if (node.type.isError) {
                errors.push(
                    `syntax error at ${node.from}: ${JSON.stringify(expr.slice(Math.max(0, node.from - 20), node.to + 20))}`,
                );
            }
        },
    });
    return errors;
}

/** The metric names the expression selects (the Identifier of each VectorSelector). */
export function metricNames(expr: string): string[] {
    const names = new Set<string>();
    parser.parse(expr).iterate({
        enter: (node) => {
            if (node.name === "VectorSelector") {
                const identifier = node.node.getChild("Identifier");
                if (identifier) {
                    names.add(expr.slice(identifier.from, identifier.to));
                }
            }
        },
    });
    return [...names];
}

/** Grafana's built-in interval variables, replaced by a duration so the query is plain PromQL. */
const GRAFANA_INTERVALS = [
    "$__rate_interval",
    "$__interval",
    "$__range",
    "${__rate_interval}",
    "${__interval}",
    "${__range}",
];

/** Replaces Grafana variables as Grafana would before sending the query: intervals by `5m`, others by `value`. */
export function substituteGrafanaVariables(expr: string, value = "agent-orchestrator"): string {
    let result = expr;
    for (const variable of GRAFANA_INTERVALS) {
        result = result.split(variable).join("5m");
    }
    return result.replace(/\$\{(\w+)(:\w+)?\}|\$(\w+)/g, value);
}
