// What `cluster.version` decides besides the control plane: each EKS add-on's pinned version (the
// compatibility table) and whether EKS still supports the minor at all (its release calendar). Both
// checks run at preview (preflight.ts), before any resource is registered.
import {
    AddonPin,
    AddonVersionTable,
    EKS_ADDON_VERSIONS,
    EKS_ADDONS,
    EKS_CLUSTER_HOURLY_PRICE,
    EKS_VERSION_CALENDAR,
    EksAddonName,
} from "../catalog/compatibility";
import { HOURS_PER_MONTH } from "../catalog/prices";
import { ConfigCheck, configCheck, keyName, PlatformConfig } from "../config";

/** The pinned version of an EKS add-on for a minor. Throws for a missing cell: `compatibilityCheck` reports it first. */
export function eksAddonVersion(minor: string, addon: EksAddonName): string {
    const pin = EKS_ADDON_VERSIONS[minor]?.[addon];
    if (pin === undefined) {
        throw new Error(`no ${addon} version for Kubernetes ${minor} in catalog/compatibility.ts`);
    }
    return pin.version;
}

/** The add-ons a minor's row lacks (all of them when there is no row). */
export function missingAddonVersions(minor: string, table: AddonVersionTable = EKS_ADDON_VERSIONS): EksAddonName[] {
    const row = table[minor] ?? {};
    return EKS_ADDONS.filter((addon) => row[addon] === undefined);
}

/** The add-ons of a minor's row whose pin no AWS source lists for that minor. */
export function unconfirmedAddonVersions(minor: string, table: AddonVersionTable = EKS_ADDON_VERSIONS): EksAddonName[] {
    const row = table[minor] ?? {};
    return EKS_ADDONS.filter((addon) => row[addon]?.status === "unconfirmed");
}

/** The minors preview accepts: a complete row with every pin confirmed. */
export function deployableMinors(table: AddonVersionTable = EKS_ADDON_VERSIONS): string[] {
    return Object.keys(table).filter(
        (minor) =>
            missingAddonVersions(minor, table).length === 0 && unconfirmedAddonVersions(minor, table).length === 0,
    );
}

/** Why a pin is unconfirmed, for the error. */
function unconfirmedReason(pin: AddonPin): string {
    return pin.fromMinor !== undefined
        ? `taken from ${pin.fromMinor}'s row`
        : `from a third party's page, ${pin.source.url}`;
}

/** The error for a minor whose row is incomplete or unconfirmed; undefined when preview may deploy it. */
function addonRowError(minor: string, table: AddonVersionTable): string | undefined {
    const key = `${keyName(["cluster", "version"])} (${minor})`;
    const runbook = `(docs/operations.md "Upgrading Kubernetes (runbook)")`;
    const missing = missingAddonVersions(minor, table);
    if (missing.length > 0) {
        return (
            `${key} must be a Kubernetes minor with a complete row in EKS_ADDON_VERSIONS (complete and confirmed: ${deployableMinors(table).join(", ")})\n` +
            `missing for ${minor}: ${missing.join(", ")}; add each from the add-on's version table in the EKS user guide ${runbook}`
        );
    }
    const unconfirmed = unconfirmedAddonVersions(minor, table);
    if (unconfirmed.length === 0) {
        return undefined;
    }
    const pins = unconfirmed.map(
        (addon) => `${addon} ${table[minor][addon]!.version} (${unconfirmedReason(table[minor][addon]!)})`,
    );
    return (
        `${key} must be a Kubernetes minor whose EKS add-on versions are confirmed for it (confirmed: ${deployableMinors(table).join(", ")}); unconfirmed: ${pins.join(", ")}\n` +
        `confirm each with \`aws eks describe-addon-versions --addon-name <addon> --kubernetes-version ${minor}\`, then update its row in catalog/compatibility.ts EKS_ADDON_VERSIONS, citing the source ${runbook}`
    );
}

/**
 * Config check over a table of add-on pins: the cluster's minor must have a complete row, every pin
 * confirmed for that minor. Without a pin EKS would pick a version itself (pulumi-eks: `mostRecent:
 * true` on every run); an unconfirmed one may not exist for the minor, which EKS finds only mid-upgrade.
 */
export function addonVersionsCheck(
    table: AddonVersionTable,
): (config: PlatformConfig) => { errors: string[]; warnings: string[] } {
    return (config) => {
        const error = addonRowError(config.cluster.version, table);
        return { errors: error === undefined ? [] : [error], warnings: [] };
    };
}

/** The check preview runs, over the catalog's table. */
export const compatibilityCheck: ConfigCheck = configCheck(
    "The cluster's Kubernetes minor must have a complete row of EKS add-on versions (catalog/compatibility.ts), each confirmed for that minor by its source, so EKS never picks one itself and no upgrade meets a build the minor lacks.",
    addonVersionsCheck(EKS_ADDON_VERSIONS),
);

/** The day a minor leaves EKS's extended support; undefined for a minor newer than the calendar read. */
export function endOfExtendedSupport(minor: string): string | undefined {
    return EKS_VERSION_CALENDAR[minor]?.endOfExtendedSupport;
}

export function minorNumber(minor: string): number {
    return Number(minor.split(".")[1]);
}

/**
 * Whether EKS has stopped supporting a minor on `today` (YYYY-MM-DD, UTC): past its end of extended
 * support, or older than the oldest minor the calendar still lists.
 */
export function pastExtendedSupport(minor: string, today: string): { past: boolean; ended?: string } {
    const ended = endOfExtendedSupport(minor);
    if (ended !== undefined) {
        return { past: today > ended, ended };
    }
    const oldest = Math.min(...Object.keys(EKS_VERSION_CALENDAR).map(minorNumber));
    return { past: minorNumber(minor) < oldest };
}

/**
 * Config check, given the day: a minor past EKS's end of extended support is refused, whatever
 * `addons.clusterAutoscaler.imageTag` says. EKS creates no cluster of such a minor and upgrades
 * existing control planes by itself, leaving node groups and add-ons behind.
 */
export function supportedVersionCheck(today: string): ConfigCheck {
    return (config: PlatformConfig) => {
        const minor = config.cluster.version;
        const { past, ended } = pastExtendedSupport(minor, today);
        if (!past) {
            return { errors: [], warnings: [] };
        }
        const supported = Object.entries(EKS_VERSION_CALENDAR)
            .filter(([, dates]) => dates.endOfExtendedSupport >= today)
            .map(([supportedMinor]) => supportedMinor);
        return {
            errors: [
                `${keyName(["cluster", "version"])} (${minor}) must be a Kubernetes minor EKS still supports: ` +
                    `${ended === undefined ? "it is older than every minor in EKS's release calendar" : `its extended support ended on ${ended}`}\n` +
                    `use one of ${supported.join(", ")} (catalog/compatibility.ts EKS_VERSION_CALENDAR)`,
            ],
            warnings: [],
        };
    };
}

/** The check preview runs: today's date, UTC. */
export const kubernetesSupportCheck: ConfigCheck = configCheck(
    "The cluster's Kubernetes minor must be one EKS still supports on the day of the preview (catalog/compatibility.ts EKS_VERSION_CALENDAR).",
    (config) => supportedVersionCheck(new Date().toISOString().slice(0, 10))(config),
);

/** Days from `from` to `to` (YYYY-MM-DD, UTC). */
function daysBetween(from: string, to: string): number {
    return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** How early preview announces a minor's end of standard support. */
export const STANDARD_SUPPORT_NOTICE_DAYS = 90;

/**
 * Config check, given the day: from 90 days before the minor's end of standard support (and after
 * it), a warning by key with the date, what EKS does then under `cluster.upgradePolicy`, and what
 * extended support costs per month.
 */
export function standardSupportWarning(today: string): ConfigCheck {
    return (config: PlatformConfig) => {
        const minor = config.cluster.version;
        const ends = EKS_VERSION_CALENDAR[minor]?.endOfStandardSupport;
        if (ends === undefined || daysBetween(today, ends) > STANDARD_SUPPORT_NOTICE_DAYS) {
            return { errors: [], warnings: [] };
        }
        const days = daysBetween(today, ends);
        const next = `1.${minorNumber(minor) + 1}`;
        const extra = Math.round(
            (EKS_CLUSTER_HOURLY_PRICE.extended - EKS_CLUSTER_HOURLY_PRICE.standard) * HOURS_PER_MONTH,
        );
        const cost = `USD ${EKS_CLUSTER_HOURLY_PRICE.extended.toFixed(2)} instead of ${EKS_CLUSTER_HOURLY_PRICE.standard.toFixed(2)} per cluster-hour, USD ${extra} more per month`;
        const when =
            days >= 0
                ? `leaves EKS standard support on ${ends} (in ${days} days)`
                : `left EKS standard support on ${ends}`;
        const then =
            config.cluster.upgradePolicy.supportType === "EXTENDED"
                ? `under upgradePolicy EXTENDED EKS then bills extended support (${cost})`
                : `under upgradePolicy STANDARD EKS then upgrades the control plane to ${next} itself, leaving cluster.version, the node groups and the add-on pins behind (extended support would cost ${cost})`;
        return {
            errors: [],
            warnings: [
                `${keyName(["cluster", "version"])} (${minor}) ${when}\n${then}; upgrade to ${next} first (docs/operations.md "Upgrading Kubernetes (runbook)")`,
            ],
        };
    };
}

/** The check preview runs: today's date, UTC. */
export const standardSupportCheck: ConfigCheck = configCheck(
    "From 90 days before the cluster's minor leaves EKS standard support, a warning with the date, what EKS does then under " +
        "cluster.upgradePolicy and the extended-support cost per month (catalog/compatibility.ts EKS_VERSION_CALENDAR, EKS_CLUSTER_HOURLY_PRICE).",
    (config) => standardSupportWarning(new Date().toISOString().slice(0, 10))(config),
);

/** The live control plane as the version checks need it (eks-cluster.ts `LiveCluster`). */
export interface LiveControlPlane {
    readonly version: string;
    readonly supportType?: string;
}

/**
 * What EKS refuses given the live cluster: a `cluster.version` more than one minor above the live
 * one (EKS upgrades one minor at a time) or below it (no downgrade: AWS may have upgraded a cluster
 * under STANDARD itself), and STANDARD for a cluster already in extended support (EKS user guide,
 * "Cluster upgrade policy": upgrade it to a minor in standard support first).
 */
export function liveVersionErrors(config: PlatformConfig, live: LiveControlPlane | undefined, today: string): string[] {
    if (live === undefined) {
        return [];
    }
    const errors: string[] = [];
    const wanted = minorNumber(config.cluster.version);
    const running = minorNumber(live.version);
    const key = `${keyName(["cluster", "version"])} (${config.cluster.version})`;
    if (wanted > running + 1) {
        errors.push(
            `${key} must be at most one minor above the live cluster's ${live.version}: EKS upgrades one minor at a time\n` +
                `Set 1.${running + 1}, run pulumi up (the node groups follow), then raise it again`,
        );
    } else if (wanted < running) {
        errors.push(
            `${key} must not be below the live cluster's ${live.version}: EKS cannot downgrade a control plane\n` +
                `Set ${live.version} (under upgradePolicy STANDARD, EKS upgrades a cluster itself at the end of standard support)`,
        );
    }
    const endOfStandard = EKS_VERSION_CALENDAR[live.version]?.endOfStandardSupport;
    const inExtended = live.supportType === "EXTENDED" && endOfStandard !== undefined && today > endOfStandard;
    if (config.cluster.upgradePolicy.supportType === "STANDARD" && inExtended) {
        errors.push(
            `${keyName(["cluster", "upgradePolicy", "supportType"])} (STANDARD) must stay EXTENDED while the live cluster (${live.version}) is in extended support (since ${endOfStandard})\n` +
                "EKS refuses the switch: raise cluster.version to a minor in standard support and deploy first, then set STANDARD",
        );
    }
    return errors;
}
