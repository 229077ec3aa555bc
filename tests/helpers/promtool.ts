// Runs rule groups through Prometheus's own rule engine: `promtool test rules` (Debian's prometheus
// package). Input series are written one value per minute, each sample half a minute off the
// minute grid the rules are evaluated on (see `perMinute`), so no sample sits on a window boundary.
import { spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { stringify } from "yaml";

/** What `npm test` says when promtool is missing (tools/require-promtool.js says the same). */
export const PROMTOOL_HINT =
    "promtool is not on PATH: install Debian's prometheus package " +
    "(apt-get install -y prometheus, with sudo when not root); .ci/run does this";

/** promtool's version line, or undefined when it is not installed. */
export function promtoolVersion(): string | undefined {
    const run = spawnSync("promtool", ["--version"], { encoding: "utf8" });
    return run.status === 0 ? `${run.stdout}${run.stderr}`.split("\n")[0] : undefined;
}

/** A series in PromQL notation, `name{label="value", ...}`. */
export function seriesOf(name: string, labels: Readonly<Record<string, string>>): string {
    return `${name}{${Object.entries(labels)
        .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
        .join(", ")}}`;
}

/**
 * promtool's `values` for a series with one value per minute, minute m's sample at m:30 (null: no
 * sample that minute). The test groups use `interval: 30s` and the rules are evaluated at whole
 * minutes. Why: Debian's promtool is 2.42, whose range selectors include a sample exactly at
 * `t - window`; the chart runs Prometheus 3.x, whose range selectors are left-open and do not. With
 * every sample at half past, no sample is ever on a window's edge and both count the same samples.
 */
export function perMinute(values: readonly (number | null)[]): string {
    return values.map((value) => `_ ${value === null ? "_" : value}`).join(" ");
}

/** `value` for `minutes` minutes (a segment for {@link perMinute}). */
export function hold(value: number | null, minutes: number): (number | null)[] {
    return Array.from({ length: minutes }, () => value);
}

export interface InputSeries {
    readonly series: string;
    readonly values: string;
}

/** One firing alert as promtool compares it: every label, without `alertname`. */
export type AlertLabels = Readonly<Record<string, string>>;

export interface AlertCheck {
    readonly alert: string;
    /** Evaluation time, e.g. "17m". */
    readonly at: string;
    /** The alerts firing then (pending ones are not listed); [] = silent. */
    readonly fires: readonly AlertLabels[];
}

export interface ValueCheck {
    readonly expr: string;
    readonly at: string;
    readonly samples: readonly { readonly labels: string; readonly value: number }[];
}

/** One promtool test group. */
export interface RuleCase {
    readonly name: string;
    readonly series: readonly InputSeries[];
    readonly alerts?: readonly AlertCheck[];
    readonly values?: readonly ValueCheck[];
}

/** promtool's test file (v2.42 field names: alert_rule_test, promql_expr_test). */
export function promtoolTestFile(ruleFile: string, cases: readonly RuleCase[]): Record<string, unknown> {
    return {
        rule_files: [ruleFile],
        evaluation_interval: "1m",
        tests: cases.map((test) => ({
            name: test.name,
            interval: "30s",
            input_series: test.series,
            alert_rule_test: (test.alerts ?? []).map((check) => ({
                eval_time: check.at,
                alertname: check.alert,
                exp_alerts: check.fires.map((labels) => ({ exp_labels: { ...labels } })),
            })),
            promql_expr_test: (test.values ?? []).map((check) => ({
                expr: check.expr,
                eval_time: check.at,
                exp_samples: check.samples.map((sample) => ({ labels: sample.labels, value: sample.value })),
            })),
        })),
    };
}

/** Runs `promtool <command...> <file>` on the given files in a fresh directory; status and output. */
export function runPromtool(
    command: readonly string[],
    files: Readonly<Record<string, unknown>>,
    target: string,
): { status: number | null; output: string } {
    const dir = mkdtempSync(join(tmpdir(), "berrys-promtool-"));
    try {
        for (const [name, content] of Object.entries(files)) {
            writeFileSync(
                join(dir, name),
                typeof content === "string" ? content : stringify(content, { lineWidth: 0 }),
            );
        }
        const run = spawnSync("promtool", [...command, target], { cwd: dir, encoding: "utf8" });
        return {
            status: run.status,
            output: `${run.stdout ?? ""}${run.stderr ?? ""}${run.error ? String(run.error) : ""}`,
        };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
