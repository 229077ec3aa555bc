// What `cluster.version` decides besides the control plane: each EKS add-on's pinned version (the
// compatibility table) and whether EKS still supports the minor at all (its release calendar). Both
// checks run at preview (preflight.ts), before any resource is registered.
import { EKS_ADDON_VERSIONS, EKS_ADDONS, EKS_VERSION_CALENDAR, EksAddonName } from "../catalog/compatibility";
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
export function missingAddonVersions(minor: string): EksAddonName[] {
    const row = EKS_ADDON_VERSIONS[minor] ?? {};
    return EKS_ADDONS.filter((addon) => row[addon] === undefined);
}

/**
 * Config check: the cluster's minor must have a complete row of EKS add-on versions. Without one
 * EKS would pick a version itself (pulumi-eks: `mostRecent: true` on every run), so the build could
 * change under an unrelated `pulumi up`.
 */
export const compatibilityCheck: ConfigCheck = configCheck(
    "The cluster's Kubernetes minor must have a complete row of EKS add-on versions (catalog/compatibility.ts), so EKS never picks one itself.",
    (config) => {
    const minor = config.cluster.version;
    const missing = missingAddonVersions(minor);
    if (missing.length === 0) {
        return { errors: [], warnings: [] };
    }
    const complete = Object.keys(EKS_ADDON_VERSIONS).filter((candidate) => missingAddonVersions(candidate).length === 0);
    return {
        errors: [
            `${keyName(["cluster", "version"])} (${minor}) must be a Kubernetes minor with a complete row in EKS_ADDON_VERSIONS (complete: ${complete.join(", ")})\n` +
            `missing for ${minor}: ${missing.join(", ")}; add each from the add-on's version table in the EKS user guide (docs/operations.md "Upgrading Kubernetes (runbook)")`,
        ],
        warnings: [],
    };
    },
);

/** The day a minor leaves EKS's extended support; undefined for a minor newer than the calendar read. */
export function endOfExtendedSupport(minor: string): string | undefined {
    return EKS_VERSION_CALENDAR[minor]?.endOfExtendedSupport;
}

function minorNumber(minor: string): number {
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
        const supported = Object.entries(EKS_VERSION_CALENDAR).filter(([, dates]) => dates.endOfExtendedSupport >= today).map(([supportedMinor]) => supportedMinor);
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
