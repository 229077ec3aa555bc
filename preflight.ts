// What every entry point checks before anything is registered or simulated: the config's own keys
// (config.ts), the checks that need several layers (the add-ons' rules, the simulator's model), and
// the capacity check. The program (index.ts), `render` and `simulate` all call `preflight`, so they
// accept and refuse the same configurations.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { MonthlyBill, monthlyBill } from "./capacity/bill";
import { capacityFindings, Finding, formatFinding } from "./capacity/findings";
import { capacityReport, CapacityReport } from "./capacity/model";
import { addonPodRequests } from "./capacity/system-pods";
import { headroomCheck } from "./capacity/headroom";
import { instanceArchitectureCheck } from "./capacity/instance-types";
import { nodeGroupTaintsCheck } from "./capacity/taints";
import { apiAccessCheck } from "./components/api-access";
import { clusterAutoscalerImageCheck } from "./components/cluster-autoscaler";
import { bootstrapAdminErrors, LiveCluster, readLiveCluster } from "./components/eks-cluster";
import {
    compatibilityCheck,
    kubernetesSupportCheck,
    liveVersionErrors,
    standardSupportCheck,
} from "./components/kubernetes-version";
import {
    AvailabilityZone,
    availabilityZoneIdsCheck,
    chooseZones,
    readLiveZones,
    subnetSizeCheck,
    subnetZoneErrors,
    ZONE_QUERY,
    zonesOf,
} from "./components/network";
import { metricsServerEnabledCheck } from "./components/metrics-server";
import { namespaceCollisionCheck } from "./components/namespace-guardrails";
import { firstNodeCheck, LiveScaling, nodeGroupNameCheck } from "./components/node-group";
import { LiveNodeGroup, readLiveNodeGroups, replacementPlan } from "./components/node-group-replacement";
import { updatePaceCheck } from "./components/node-update";
import { runbookBaseUrlCheck } from "./components/monitoring/runbooks";
import { partitionCheck } from "./components/partition";
import { adapterWindowCheck, customMetricsCheck } from "./components/prometheus-adapter";
import { prometheusReplicasCheck } from "./components/prometheus-stack";
import { thrashingThresholdCheck } from "./components/scaling-observability";
import {
    CheckResult,
    ConfigCheck,
    formatErrors,
    formatList,
    parseConfig,
    ParseResult,
    PlatformConfig,
    readStackConfig,
    SalvagedConfig,
    StackContext,
    withoutDropped,
} from "./config";
import { simulationChecks } from "./simulator/service-model";
import { tuningChecks } from "./simulator/tuner/checks";

/**
 * Checks that span several top-level keys (an HPA's custom metric against the adapter's rules,
 * say). Each lives in the module that owns its rule; this list is the one place they are composed.
 */
export const CROSS_CHECKS: readonly ConfigCheck[] = [
    apiAccessCheck,
    customMetricsCheck,
    clusterAutoscalerImageCheck,
    kubernetesSupportCheck,
    compatibilityCheck,
    instanceArchitectureCheck,
    prometheusReplicasCheck,
    simulationChecks,
    tuningChecks,
    availabilityZoneIdsCheck,
    nodeGroupNameCheck,
    headroomCheck,
    firstNodeCheck,
    metricsServerEnabledCheck,
    adapterWindowCheck,
    namespaceCollisionCheck,
    partitionCheck,
    thrashingThresholdCheck,
    runbookBaseUrlCheck,
    subnetSizeCheck,
    nodeGroupTaintsCheck,
    updatePaceCheck,
    standardSupportCheck,
];

/** Runs each check once on `config`: every error and warning, in the checks' order. */
export function runChecks(config: PlatformConfig, checks: readonly ConfigCheck[] = CROSS_CHECKS): CheckResult {
    const found = checks.map((check) => check(config));
    return {
        errors: found.flatMap((result) => result.errors),
        warnings: found.flatMap((result) => result.warnings),
    };
}

/** A stack file that parsed and passed the cross-checks, with what each part found. */
export interface ConfigAccepted {
    readonly ok: true;
    readonly config: PlatformConfig;
    /** Every warning: the config's own (`configWarnings`), then the cross-checks'. */
    readonly warnings: string[];
    /** The config's own warnings (config.ts), which no guardrail makes errors. */
    readonly configWarnings: readonly string[];
    /** What the cross-checks found (warnings only, here), for the capacity findings. */
    readonly crossChecks: CheckResult;
}

export type CheckedConfig = ConfigAccepted | Extract<ParseResult, { ok: false }>;

/**
 * The config's own keys, then the cross-checks, each run once: what a stack must pass before its
 * capacity is counted. Pure. The cross-checks run even when some keys are invalid, on the config
 * without them (config.ts `SalvagedConfig`), so one run reports every problem.
 */
export function checkConfig(
    raw: Record<string, unknown>,
    context: StackContext,
    checks: readonly ConfigCheck[] = CROSS_CHECKS,
): CheckedConfig {
    const parsed = parseConfig(raw, context);
    const config = parsed.ok ? parsed.config : parsed.salvaged?.config;
    if (config === undefined) {
        return parsed as Extract<ParseResult, { ok: false }>;
    }
    const crossChecks = runChecks(config, checks);
    if (parsed.ok && crossChecks.errors.length === 0) {
        const warnings = [...parsed.warnings, ...crossChecks.warnings];
        return { ok: true, config, warnings, configWarnings: parsed.warnings, crossChecks };
    }
    const dropped = parsed.ok ? [] : (parsed.salvaged?.dropped ?? []);
    const errors = [...(parsed.ok ? [] : parsed.errors), ...withoutDropped(crossChecks.errors, dropped)];
    return { ok: false, errors: [...new Set(errors)], salvaged: { config, dropped } };
}

export interface CapacityCheck {
    /** The capacity report and the monthly bill of what the program creates (the `capacity` output). */
    readonly report: CapacityReport & { readonly bill: MonthlyBill };
    /** Every finding, the cross-checks' included, errors first. */
    readonly findings: Finding[];
}

/**
 * The stack's capacity, with the add-ons' pods on the nodes, and its bill on `today` (YYYY-MM-DD,
 * UTC); `crossChecks` is what the cross-checks found (run here when not given). Pure but for the day.
 */
export function checkCapacity(
    config: PlatformConfig,
    today = new Date().toISOString().slice(0, 10),
    crossChecks: CheckResult = runChecks(config),
): CapacityCheck {
    const report = capacityReport(config, addonPodRequests(config));
    return {
        report: { ...report, bill: monthlyBill(config, report.nodes, today) },
        findings: capacityFindings(config, report, crossChecks),
    };
}

/** The text a failed capacity check stops `pulumi preview` with. */
export function formatCapacityErrors(errors: readonly Finding[]): string {
    return (
        `Capacity check failed (${errors.length} error${errors.length === 1 ? "" : "s"}; ` +
        "berrys-platform:guardrails.warningsAsErrors makes warnings errors too):\n" +
        formatList(errors.map(formatFinding))
    );
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

/**
 * Every check, in the order preview runs them, each once: the config's keys and the cross-checks
 * (`checks`), then the capacity, which takes the cross-checks' results on. Pure: no Pulumi runtime,
 * no environment.
 */
export function preflight(
    raw: Record<string, unknown>,
    context: StackContext,
    checks: readonly ConfigCheck[] = CROSS_CHECKS,
): PreflightResult {
    const checked = checkConfig(raw, context, checks);
    if (!checked.ok) {
        const errors = [...new Set([...checked.errors, ...salvagedCapacityErrors(checked.salvaged)])];
        return { ok: false, stage: "config", errors, message: formatErrors(errors), warnings: [] };
    }
    const config = checked.config;
    const capacity = checkCapacity(config, undefined, checked.crossChecks);
    const errors = capacity.findings.filter((finding) => finding.severity === "error");
    if (errors.length > 0) {
        return {
            ok: false,
            stage: "capacity",
            errors: errors.map(formatFinding),
            message: formatCapacityErrors(errors),
            // warningsAsErrors made the cross-checks' warnings capacity errors: they are not warnings too.
            warnings: config.guardrails.warningsAsErrors ? [...checked.configWarnings] : checked.warnings,
        };
    }
    // The capacity model's own warnings, after the config's and the cross-checks' (checked.warnings).
    const capacityWarnings = capacityFindings(config, capacity.report).map(formatFinding);
    return { ok: true, config, capacity, warnings: [...checked.warnings, ...capacityWarnings] };
}

/** Capacity errors that hold without the invalid keys: reported in the same run as the keys. */
function salvagedCapacityErrors(salvaged: SalvagedConfig | undefined): string[] {
    if (salvaged === undefined) return [];
    const { config, dropped } = salvaged;
    const findings = capacityFindings(config, capacityReport(config, addonPodRequests(config)));
    return withoutDropped(findings.filter((finding) => finding.severity === "error").map(formatFinding), dropped);
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

/** What only AWS can tell, as the deployer's credentials see it. */
export interface AwsFacts {
    /** `aws.getCallerIdentity().arn`: who runs `pulumi up`. */
    readonly callerArn: string;
    /** (network.mode create) The region's zones, from `aws.getAvailabilityZones(ZONE_QUERY)`. */
    readonly zones?: readonly AvailabilityZone[];
    /** (network.mode existing) Each private subnet's zone, from `aws.ec2.getSubnet` (undefined where AWS gave none). */
    readonly subnetZones?: Readonly<Record<string, string | undefined>>;
    /** (network.mode create) The zones of the stack's live private subnets, in subnet order (`readLiveZones`). */
    readonly liveZones?: readonly AvailabilityZone[];
    /** The stack's cluster as EKS reports it (`readLiveCluster`); undefined before the first deploy. */
    readonly cluster?: LiveCluster;
    /** Each configured group's live EKS node group (`readLiveNodeGroups`); none before the first deploy. */
    readonly nodeGroups?: Readonly<Record<string, LiveNodeGroup>>;
}

/** What the checks against AWS's facts decide: the zones the network spans. */
export interface AwsPlan {
    readonly zones?: readonly AvailabilityZone[];
    /** Each live node group's desired size, and whether this run replaces it (`replacementPlan`). */
    readonly liveScaling: Readonly<Record<string, LiveScaling>>;
}

/**
 * The checks that need AWS's answers: the bootstrap admin among the admins, the live cluster's
 * minor and support, the zone choice, and the node groups a change replaces. Pure.
 */
export function checkAwsFacts(
    config: PlatformConfig,
    facts: AwsFacts,
    today = new Date().toISOString().slice(0, 10),
): { ok: true; plan: AwsPlan; warnings: string[] } | { ok: false; errors: string[] } {
    const errors = [
        ...bootstrapAdminErrors(config.cluster.adminRoleArns, facts.callerArn, facts.cluster),
        ...liveVersionErrors(config, facts.cluster, today),
    ];
    let zones: AvailabilityZone[] | undefined;
    if (config.network.mode === "create") {
        const chosen = chooseZones(config.network, config.region, facts.zones ?? [], facts.liveZones);
        errors.push(...chosen.errors);
        zones = chosen.zones;
    } else {
        errors.push(...subnetZoneErrors(config.network.privateSubnetIds, facts.subnetZones ?? {}));
    }
    const live = facts.liveZones ?? [];
    const zonesChanged =
        live.length > 0 &&
        zones !== undefined &&
        zones.map((zone) => zone.id).join() !== live.map((zone) => zone.id).join();
    const replaced = replacementPlan(config, facts.nodeGroups ?? {}, zonesChanged);
    return errors.length > 0
        ? { ok: false, errors }
        : { ok: true, plan: { zones, liveScaling: replaced.liveScaling }, warnings: replaced.warnings };
}

/**
 * Asks AWS (invokes only, no resource) and runs `checkAwsFacts`: a failure stops the program
 * before any resource is registered, with one `RunError`; each warning is logged once.
 */
export async function runAwsPreflight(config: PlatformConfig): Promise<AwsPlan> {
    const network = config.network;
    const creates = network.mode === "create";
    const [identity, zones, subnets, liveZones, cluster, nodeGroups] = await Promise.all([
        aws.getCallerIdentity(),
        creates ? aws.getAvailabilityZones(ZONE_QUERY).then(zonesOf) : Promise.resolve(undefined),
        network.mode === "existing"
            ? Promise.all(network.privateSubnetIds.map((id) => aws.ec2.getSubnet({ id })))
            : Promise.resolve([]),
        creates ? readLiveZones(config.cluster.name, config.stack) : Promise.resolve(undefined),
        readLiveCluster(config.cluster.name, config.cluster.adminRoleArns),
        readLiveNodeGroups(config.cluster.name, Object.keys(config.nodeGroups)),
    ]);
    const subnetZones = Object.fromEntries(
        subnets.map((subnet) => [subnet.id, subnet.availabilityZone as string | undefined]),
    );
    const checked = checkAwsFacts(config, {
        callerArn: identity.arn,
        zones,
        subnetZones,
        liveZones,
        cluster,
        nodeGroups,
    });
    if (!checked.ok) {
        throw new pulumi.RunError(formatErrors(checked.errors));
    }
    for (const warning of checked.warnings) {
        pulumi.log.warn(warning);
    }
    return checked.plan;
}
