// The capacity guardrails at the program's edge: the stack's capacity report and findings, and
// their enforcement at `pulumi preview` (errors stop the program before any resource is
// registered; warnings are logged and do not).
import * as pulumi from "@pulumi/pulumi";
import { addonPodRequests } from "../components/addons";
import { crossChecks, PlatformConfig } from "../config";
import { capacityFindings, Finding, formatFinding } from "./findings";
import { capacityReport, CapacityReport } from "./model";

export interface CapacityCheck {
    readonly report: CapacityReport;
    /** Every finding, the config's cross-key checks included, errors first. */
    readonly findings: Finding[];
}

/** The stack's capacity, with the add-ons' pods on the nodes. Pure. */
export function checkCapacity(config: PlatformConfig): CapacityCheck {
    const report = capacityReport(config, addonPodRequests(config));
    return { report, findings: capacityFindings(config, report, crossChecks) };
}

/** The text a failed capacity check stops `pulumi preview` with. */
export function formatCapacityErrors(errors: readonly Finding[]): string {
    return `Capacity check failed (${errors.length} error${errors.length === 1 ? "" : "s"}; ` +
        "berrys-platform:guardrails.warningsAsErrors makes warnings errors too):\n" +
        errors.map((finding) => `  - ${formatFinding(finding)}`).join("\n");
}

/**
 * Runs the check for the program: throws a RunError listing the errors, logs each warning once
 * (the cross-key checks' own warnings were logged when the config was loaded).
 */
export function enforceCapacity(config: PlatformConfig): CapacityCheck {
    const check = checkCapacity(config);
    const errors = check.findings.filter((finding) => finding.severity === "error");
    if (errors.length > 0) {
        throw new pulumi.RunError(formatCapacityErrors(errors));
    }
    for (const finding of capacityFindings(config, check.report)) {
        pulumi.log.warn(formatFinding(finding));
    }
    return check;
}
