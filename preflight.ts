// What every entry point checks before anything is registered or simulated: the config's own keys
// (config.ts), the checks that need several layers (the add-ons' rules, the simulator's model), and
// the capacity check. The program (index.ts), `render` and `simulate` all call `preflight`, so they
// accept and refuse the same configurations.
import * as pulumi from "@pulumi/pulumi";
import { capacityFindings, Finding, formatFinding } from "./capacity/findings";
import { capacityReport, CapacityReport } from "./capacity/model";
import { addonPodRequests } from "./capacity/system-pods";
import { instanceArchitectureCheck } from "./capacity/instance-types";
import { clusterAutoscalerImageCheck } from "./components/cluster-autoscaler";
import { compatibilityCheck, kubernetesSupportCheck } from "./components/kubernetes-version";
import { customMetricsCheck } from "./components/prometheus-adapter";
import { prometheusReplicasCheck } from "./components/prometheus-stack";
import { ConfigCheck, formatErrors, parseConfig, ParseResult, PlatformConfig, readStackConfig, StackContext } from "./config";
import { simulationChecks } from "./simulator/model";
import { tuningChecks } from "./simulator/tune";

/**
 * Checks that span several top-level keys (an HPA's custom metric against the adapter's rules,
 * say). Each lives in the module that owns its rule; this list is the one place they are composed.
 */
export const CROSS_CHECKS: readonly ConfigCheck[] = [
    customMetricsCheck, clusterAutoscalerImageCheck, kubernetesSupportCheck, compatibilityCheck, instanceArchitectureCheck,
    prometheusReplicasCheck, simulationChecks, tuningChecks,
];

/** The config's own keys, then the cross-checks: what a stack must pass before its capacity is counted. Pure. */
export function checkConfig(raw: Record<string, unknown>, context: StackContext): ParseResult {
    const parsed = parseConfig(raw, context);
    if (!parsed.ok) {
        return parsed;
    }
    const errors: string[] = [];
    const warnings = [...parsed.warnings];
    for (const check of CROSS_CHECKS) {
        const found = check(parsed.config);
        errors.push(...found.errors);
        warnings.push(...found.warnings);
    }
    return errors.length > 0 ? { ok: false, errors } : { ok: true, config: parsed.config, warnings };
}

export interface CapacityCheck {
    readonly report: CapacityReport;
    /** Every finding, the cross-checks' included, errors first. */
    readonly findings: Finding[];
}

/** The stack's capacity, with the add-ons' pods on the nodes. Pure. */
export function checkCapacity(config: PlatformConfig): CapacityCheck {
    const report = capacityReport(config, addonPodRequests(config));
    return { report, findings: capacityFindings(config, report, CROSS_CHECKS) };
}

/** The text a failed capacity check stops `pulumi preview` with. */
export function formatCapacityErrors(errors: readonly Finding[]): string {
    return `Capacity check failed (${errors.length} error${errors.length === 1 ? "" : "s"}; ` +
        "berrys-platform:guardrails.warningsAsErrors makes warnings errors too):\n" +
        errors.map((finding) => `  - ${formatFinding(finding)}`).join("\n");
}

export type PreflightResult =
    | {
        readonly ok: true;
        readonly config: PlatformConfig;
        readonly capacity: CapacityCheck;
        /** What preview logs, each once: the config's and the cross-checks' warnings, then the capacity warnings. */
        readonly warnings: string[];
    }
    | {
        readonly ok: false;
        /** `config`: the stack file does not parse or a cross-check fails; `capacity`: the capacity check fails. */
        readonly stage: "config" | "capacity";
        readonly errors: string[];
        /** The whole text the program stops with. */
        readonly message: string;
        /** Warnings found before the failing stage (preview logs them too). */
        readonly warnings: string[];
    };

/** Every check, in the order preview runs them. Pure: no Pulumi runtime, no environment. */
export function preflight(raw: Record<string, unknown>, context: StackContext): PreflightResult {
    const checked = checkConfig(raw, context);
    if (!checked.ok) {
        return { ok: false, stage: "config", errors: checked.errors, message: formatErrors(checked.errors), warnings: [] };
    }
    const config = checked.config;
    const capacity = checkCapacity(config);
    const errors = capacity.findings.filter((finding) => finding.severity === "error");
    if (errors.length > 0) {
        return {
            ok: false, stage: "capacity", errors: errors.map(formatFinding), message: formatCapacityErrors(errors), warnings: checked.warnings,
        };
    }
    // The cross-checks' warnings are in checked.warnings already: count capacity's own findings only.
    const capacityWarnings = capacityFindings(config, capacity.report).map(formatFinding);
    return { ok: true, config, capacity, warnings: [...checked.warnings, ...capacityWarnings] };
}

/**
 * The program's preflight: reads the stack's config from the Pulumi runtime and runs every check.
 * A failure stops the program here, before any resource is registered, with one `RunError` (no
 * stack trace); each warning is logged once.
 */
export function runPreflight(): { readonly config: PlatformConfig; readonly capacity: CapacityCheck } {
    const { raw, context } = readStackConfig();
    const result = preflight(raw, context);
    for (const warning of result.warnings) {
        pulumi.log.warn(warning);
    }
    if (!result.ok) {
        throw new pulumi.RunError(result.message);
    }
    return result;
}
