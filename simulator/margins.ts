/**
 * Each verdict's margin: for a criterion missed, or met within 20 % of its limit, how far it is
 * from the limit and the assumption (or setting) the verdict hangs on, with the value of that
 * assumption at which the verdict flips. The break-even is computed, never assumed: the run is
 * repeated with the assumption changed, bisecting on its values, and the criterion re-checked.
 * Which assumption decides which criterion: docs/design/simulator.md "Verdicts".
 */
import type { PlatformConfig } from "../config";
import { keyName } from "../config";
import { HPA_DOWNSCALE_STABILIZATION_WINDOW_SECONDS } from "./hpa";
import { profile as builtInProfile, ProfileName, PROFILE_NAMES } from "./profiles";
import type { SimulationResult } from "./run";

/** The fields of a checked criterion (report.ts `CriterionResult`) the margins read; no import, so no cycle. */
export interface CriterionResult {
    readonly criterion: string;
    readonly service: string;
    readonly value: number;
    readonly limit: number;
    readonly ok: boolean;
}

/** A criterion is near its limit when met with less than this fraction of the limit to spare. */
export const NEAR_FRACTION = 0.2;

/** What a verdict hangs on and where it flips. */
export interface Margin {
    readonly criterion: CriterionResult;
    /** limit - value: negative when missed. */
    readonly margin: number;
    readonly assumption?: {
        readonly key: string;
        readonly value: number;
        /** The value at which the verdict flips (the last value that meets it), or null when no value in range does. */
        readonly breakEven: number | null;
        readonly text: string;
    };
    readonly text: string;
}

/** Runs a criterion check on a changed config (the simulator, for the break-even search). */
export type Check = (config: PlatformConfig) => CriterionResult | undefined;

/** The criteria to explain: missed, or met within NEAR_FRACTION of the limit. */
export function needsMargin(criterion: CriterionResult): boolean {
    if (!criterion.ok) return true;
    if (criterion.limit === 0) return false;
    return criterion.limit - criterion.value < NEAR_FRACTION * criterion.limit;
}

interface Assumption {
    readonly key: string;
    /** An assumption of the model, or a setting of the stack. */
    readonly kind: "assumed" | "set";
    readonly unit: string;
    readonly value: number;
    readonly step: number;
    /** Higher values help the criterion (a longer window) or hurt it (a longer provisioning time). */
    readonly higherHelps: boolean;
    readonly max: number;
    apply(config: PlatformConfig, value: number): PlatformConfig;
}

/** The margin of one criterion of a built-in profile's run; `check` re-runs that profile on a config. */
export function criterionMargin(
    config: PlatformConfig,
    result: SimulationResult,
    criterion: CriterionResult,
    check: Check,
): Margin {
    const margin = round(criterion.limit - criterion.value);
    const amount = `${fmt(Math.abs(margin))}${unitOf(criterion)}`;
    const by = !Number.isFinite(margin)
        ? "missed (never reached)"
        : criterion.ok
          ? `met with ${amount} to spare`
          : `missed by ${amount}`;
    const assumption = assumptionFor(config, result, criterion, check);
    if (assumption === undefined) return { criterion, margin, text: by };
    const breakEven = search(config, criterion, assumption, check);
    const flips =
        breakEven === null
            ? `not met at any value from 0 to ${assumption.max} ${assumption.unit}`
            : criterion.ok
              ? assumption.higherHelps
                  ? `still met down to ${breakEven} ${assumption.unit}`
                  : `still met up to ${breakEven} ${assumption.unit}`
              : `met at ${breakEven} ${assumption.unit}`;
    const text = `${assumption.key} (${assumption.value} ${assumption.unit} ${assumption.kind}): ${flips}`;
    return {
        criterion,
        margin,
        assumption: { key: assumption.key, value: assumption.value, breakEven, text },
        text: `${by}; hangs on ${text}`,
    };
}

function unitOf(criterion: CriterionResult): string {
    return criterion.criterion === "responseSeconds"
        ? " s"
        : criterion.criterion === "maxDirectionChangesPerHour"
          ? " per hour"
          : "";
}

function assumptionFor(
    config: PlatformConfig,
    result: SimulationResult,
    criterion: CriterionResult,
    check: Check,
): Assumption | undefined {
    const service = criterion.service;
    if (criterion.criterion === "responseSeconds") {
        const ca = config.addons.clusterAutoscaler;
        const provisioning: Assumption = {
            key: keyName(["addons", "clusterAutoscaler", "nodeProvisioningSeconds"]),
            kind: "assumed",
            unit: "s",
            value: ca.nodeProvisioningSeconds,
            step: 5,
            higherHelps: false,
            max: Math.max(600, 4 * ca.nodeProvisioningSeconds),
            apply: (base, value) => ({
                ...base,
                addons: {
                    ...base.addons,
                    clusterAutoscaler: { ...base.addons.clusterAutoscaler, nodeProvisioningSeconds: value },
                },
            }),
        };
        // The response waited for a node when another provisioning time gives another response.
        const other = check(provisioning.apply(config, ca.nodeProvisioningSeconds + 60));
        if (other !== undefined && other.value !== criterion.value) return provisioning;
        const ready = config.simulation.podReadySeconds;
        return {
            key: keyName(["simulation", "podReadySeconds"]),
            kind: "assumed",
            unit: "s",
            value: ready,
            step: 5,
            higherHelps: false,
            max: Math.max(600, 4 * ready),
            apply: (base, value) => ({ ...base, simulation: { ...base.simulation, podReadySeconds: value } }),
        };
    }
    if (criterion.criterion === "maxDirectionChangesPerHour") {
        const settings = config.services[service];
        const window =
            settings.behavior?.scaleDown?.stabilizationWindowSeconds ?? HPA_DOWNSCALE_STABILIZATION_WINDOW_SECONDS;
        return {
            key: keyName(["services", service, "behavior", "scaleDown", "stabilizationWindowSeconds"]),
            kind: "set",
            unit: "s",
            value: window,
            step: 15,
            higherHelps: true,
            max: 3600,
            apply: (base, value) => ({
                ...base,
                services: {
                    ...base.services,
                    [service]: {
                        ...base.services[service],
                        behavior: {
                            ...base.services[service].behavior,
                            scaleDown: {
                                ...base.services[service].behavior?.scaleDown,
                                stabilizationWindowSeconds: value,
                            },
                        },
                    },
                },
            }),
        };
    }
    return undefined;
}

/**
 * Bisects the assumption's values (multiples of its step) for the one where the criterion flips:
 * the last value that meets it on the side that helps. Assumes the verdict is monotone in it.
 */
function search(
    config: PlatformConfig,
    criterion: CriterionResult,
    assumption: Assumption,
    check: Check,
): number | null {
    const meets = (value: number) => check(assumption.apply(config, value))?.ok === true;
    const steps = Math.floor(assumption.max / assumption.step);
    const current = Math.round(assumption.value / assumption.step);
    // Index i stands for i * step; `good(i)` is monotone: true on the helping side of the break-even.
    if (assumption.higherHelps) {
        // Smallest value that meets it.
        let lo = criterion.ok ? 0 : current;
        let hi = criterion.ok ? current : steps;
        if (!criterion.ok && !meets(hi * assumption.step)) return null;
        if (criterion.ok && meets(lo * assumption.step)) return 0;
        while (hi - lo > 1) {
            const mid = Math.floor((lo + hi) / 2);
            if (meets(mid * assumption.step)) hi = mid;
            else lo = mid;
        }
        return hi * assumption.step;
    }
    // Largest value that meets it.
    let lo = criterion.ok ? current : 0;
    let hi = criterion.ok ? steps : current;
    if (!criterion.ok && !meets(lo * assumption.step)) return null;
    if (criterion.ok && meets(hi * assumption.step)) return hi * assumption.step;
    while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (meets(mid * assumption.step)) lo = mid;
        else hi = mid;
    }
    return lo * assumption.step;
}

/** The built-in profile a run used, for the break-even search to re-run; undefined for a CSV's. */
export function builtInProfileOf(
    result: SimulationResult,
    seed: number,
): ReturnType<typeof builtInProfile> | undefined {
    const name = result.profile.name;
    return (PROFILE_NAMES as readonly string[]).includes(name) ? builtInProfile(name as ProfileName, seed) : undefined;
}

function round(value: number): number {
    return Number.isFinite(value) ? Number(value.toFixed(2)) : value;
}

function fmt(value: number): string {
    return String(round(value));
}
