/**
 * The scaling simulator's service model: how load on a service becomes the numbers its HPA reads
 * (load units, capacity per pod, CPU and memory utilization, needed replicas). Pure functions of
 * the parsed config (config.ts); simulator/run.ts steps them through time. The formulas and what
 * the HPA sees: docs/design/simulator.md "The service model".
 */
import { durationSeconds } from "../schema/common";
import type { ConfigCheck, PlatformConfig, ServiceConfig } from "../config";
import { keyName } from "../config";
import { didYouMean } from "../config-path";
import { parseQuantity, toBytes, toMillicores } from "../quantity";
import type { HpaMetricSpec, HpaSpec } from "./hpa";

/** metrics-server's `--metric-resolution` (chart default 15s): the window of a CPU or memory sample. */
export const RESOURCE_METRIC_WINDOW_SECONDS = 15;
/** How old a CPU or memory sample is when the HPA reads it: the kubelet's 10 s housekeeping interval. */
export const RESOURCE_METRIC_AGE_SECONDS = 10;
/** The rate() window of a custom metric without an adapter rule (the chart's default rule window). */
export const DEFAULT_CUSTOM_METRIC_WINDOW_SECONDS = 120;

const DEFAULT_BASE_CPU_UTILIZATION = 10;
const DEFAULT_CPU_TARGET = 70;
const DEFAULT_BASE_MEMORY_UTILIZATION = 40;
const DEFAULT_MEMORY_AT_CAPACITY = 60;

/** Where a metric's samples come from, in the order of the HPA spec's metrics. */
export type MetricSource =
    | { readonly kind: "cpu" }
    | { readonly kind: "memory" }
    /** A Pods metric: `scale` turns load per pod into its value (1 for the first), `windowSeconds` its rate() window. */
    | { readonly kind: "pods"; readonly scale: number; readonly windowSeconds: number };

/** One service as the simulator runs it. */
export interface ServiceModel {
    readonly name: string;
    readonly config: ServiceConfig;
    /** What load is measured in: the first Pods metric's name, or "millicores of CPU work". */
    readonly loadUnit: string;
    /** C: load one ready pod serves at its HPA target. */
    readonly capacityPerPod: number;
    /** xmax: load at which a pod's CPU reaches its limit; a pod serves no more. */
    readonly maxLoadPerPod: number;
    readonly cpu: { readonly base: number; readonly atCapacity: number };
    readonly memory: { readonly base: number; readonly atCapacity: number };
    /** Per pod, millicores and bytes, as the scheduler and the ResourceQuota count them. */
    readonly requests: { readonly cpu: number; readonly memory: number };
    readonly limits: { readonly cpu: number; readonly memory: number };
    /** The HPA as the controller reads it (Object metrics left out). */
    readonly hpa: HpaSpec;
    /** One entry per `hpa.metrics` entry. */
    readonly sources: readonly MetricSource[];
}

/** The models of every service, in the config's order. Assumes `simulationChecks` found no error. */
export function serviceModels(config: PlatformConfig): ServiceModel[] {
    return Object.keys(config.services).map((name) => serviceModel(config, name));
}

/** One service's model: its `simulation.services` settings over defaults derived from its own config. */
export function serviceModel(config: PlatformConfig, name: string): ServiceModel {
    const service = config.services[name];
    const settings = config.simulation.services[name] ?? {};
    const { cpu, memory } = utilizationModel(service, settings);
    const requests = {
        cpu: toMillicores(service.resources.requests.cpu),
        memory: toBytes(service.resources.requests.memory),
    };
    const limits = {
        cpu: toMillicores(service.resources.limits.cpu),
        memory: toBytes(service.resources.limits.memory),
    };
    const firstPods = service.metrics.find((metric) => metric.type === "Pods");
    // At least 1 (millicore, or request/s of a zero target), so a valid config always gives a model that runs.
    const capacityPerPod =
        settings.capacityPerPod ??
        Math.max(
            1,
            firstPods !== undefined
                ? parseQuantity(firstPods.averageValue)
                : (requests.cpu * (cpu.atCapacity - cpu.base)) / 100,
        );
    const limitUtilization = (100 * limits.cpu) / requests.cpu;
    const maxLoadPerPod = (capacityPerPod * (limitUtilization - cpu.base)) / (cpu.atCapacity - cpu.base);
    const { metrics, sources } = hpaMetrics(config, service, capacityPerPod);
    return {
        name,
        config: service,
        loadUnit: firstPods !== undefined ? firstPods.name : "millicores of CPU work",
        capacityPerPod,
        maxLoadPerPod,
        cpu,
        memory,
        requests,
        limits,
        hpa: {
            minReplicas: service.minReplicas,
            maxReplicas: service.maxReplicas,
            metrics,
            behavior: service.behavior,
        },
        sources,
    };
}

/** CPU and memory utilization of an idle pod and of one at capacity: the settings, else from the HPA's targets. */
function utilizationModel(
    service: ServiceConfig,
    settings: PlatformConfig["simulation"]["services"][string],
): Pick<ServiceModel, "cpu" | "memory"> {
    const cpuTarget = utilizationTarget(service, "cpu");
    const memoryTarget = utilizationTarget(service, "memory");
    const cpuAtCapacity = settings.cpuUtilizationAtCapacity ?? cpuTarget ?? DEFAULT_CPU_TARGET;
    const cpu = {
        // Never at or above the CPU at capacity by default (a target below 20% halves it instead).
        base: settings.baseCpuUtilization ?? Math.min(DEFAULT_BASE_CPU_UTILIZATION, cpuAtCapacity / 2),
        atCapacity: cpuAtCapacity,
    };
    const memory = {
        base:
            settings.baseMemoryUtilization ??
            (memoryTarget !== undefined ? memoryTarget / 2 : DEFAULT_BASE_MEMORY_UTILIZATION),
        atCapacity:
            settings.memoryUtilizationAtCapacity ??
            (memoryTarget !== undefined ? (memoryTarget * 3) / 4 : DEFAULT_MEMORY_AT_CAPACITY),
    };
    return { cpu, memory };
}

/** The HPA's metrics as the controller reads them (Object metrics left out), and where each one's samples come from. */
function hpaMetrics(
    config: PlatformConfig,
    service: ServiceConfig,
    capacityPerPod: number,
): { metrics: HpaMetricSpec[]; sources: MetricSource[] } {
    const firstPods = service.metrics.find((metric) => metric.type === "Pods");
    const metrics: HpaMetricSpec[] = [];
    const sources: MetricSource[] = [];
    for (const metric of service.metrics) {
        if (metric.type === "Resource") {
            metrics.push({
                type: "Resource",
                name: metric.name,
                target:
                    metric.averageUtilization !== undefined
                        ? { type: "Utilization", averageUtilization: metric.averageUtilization }
                        : { type: "AverageValue", averageValue: milli(metric.averageValue!) },
            });
            sources.push({ kind: metric.name });
        } else if (metric.type === "Pods") {
            const target = parseQuantity(metric.averageValue);
            metrics.push({
                type: "Pods",
                name: metric.name,
                target: { type: "AverageValue", averageValue: milli(metric.averageValue) },
            });
            sources.push({
                kind: "pods",
                scale: metric === firstPods ? 1 : target / capacityPerPod,
                windowSeconds: customMetricWindowSeconds(config, metric.name),
            });
        }
    }
    return { metrics, sources };
}

/** The load each ready pod serves when `ready` pods share `load`. */
export function loadPerPod(model: ServiceModel, load: number, ready: number): number {
    return ready > 0 ? Math.min(load / ready, model.maxLoadPerPod) : 0;
}

/** CPU in millicores of a pod serving `x` load units. */
export function cpuMillicores(model: ServiceModel, x: number): number {
    return (
        (model.requests.cpu * (model.cpu.base + (x / model.capacityPerPod) * (model.cpu.atCapacity - model.cpu.base))) /
        100
    );
}

/** Memory in bytes of a pod serving `x` load units. */
export function memoryBytes(model: ServiceModel, x: number): number {
    return (
        (model.requests.memory *
            (model.memory.base + (x / model.capacityPerPod) * (model.memory.atCapacity - model.memory.base))) /
        100
    );
}

/** The replicas that serve `load` at the HPA's target, within the HPA's bounds. */
export function neededReplicas(model: ServiceModel, load: number): number {
    const raw = Math.ceil(load / model.capacityPerPod - 1e-9);
    return Math.min(model.config.maxReplicas, Math.max(model.config.minReplicas, raw));
}

/**
 * The `simulation` checks that need the whole config (preflight.ts runs it with the other cross-checks):
 * every `simulation.services` key must name a service, and each model must be one the formulas
 * above can run (CPU at capacity above idle CPU). A function declaration, not a const: config.ts
 * imports it and this module imports config.ts, and only a hoisted function is defined whichever
 * of the two loads first.
 */
export function simulationChecks(config: PlatformConfig): ReturnType<ConfigCheck> {
    const errors: string[] = [];
    const warnings: string[] = [];
    const services = Object.keys(config.services);
    for (const name of Object.keys(config.simulation.services)) {
        if (!services.includes(name)) {
            errors.push(
                `${keyName(["simulation", "services", name])} must name a service of ${keyName(["services"])} ` +
                    `(${services.join(", ")})${hintAfter(didYouMean(name, services))}`,
            );
        }
    }
    for (const name of services) {
        const settings = config.simulation.services[name] ?? {};
        const model = serviceModel(config, name);
        if (model.cpu.atCapacity <= model.cpu.base) {
            const key =
                settings.cpuUtilizationAtCapacity !== undefined ? "cpuUtilizationAtCapacity" : "baseCpuUtilization";
            errors.push(
                `${keyName(["simulation", "services", name, key])} (${settings[key] ?? model.cpu[key === "baseCpuUtilization" ? "base" : "atCapacity"]}) ` +
                    `must leave cpuUtilizationAtCapacity (${model.cpu.atCapacity}) above baseCpuUtilization (${model.cpu.base}): ` +
                    "a pod's CPU must grow with its load",
            );
        }
        if (model.memory.atCapacity < model.memory.base) {
            errors.push(
                `${keyName(["simulation", "services", name, "memoryUtilizationAtCapacity"])} (${model.memory.atCapacity}) ` +
                    `must be >= baseMemoryUtilization (${model.memory.base})`,
            );
        }
        config.services[name].metrics.forEach((metric, index) => {
            if (metric.type === "Object") {
                warnings.push(
                    `${keyName(["services", name, "metrics", index])} is an Object metric: the simulator leaves it out and scales ${name} on its other metrics`,
                );
            }
        });
    }
    return { errors, warnings };
}
simulationChecks.doc =
    "Every simulation.services key must name a service, and a service's load model must let CPU grow with load.";

/** `; <hint>` to end a sentence with, or nothing. */
function hintAfter(hint: string | undefined): string {
    return hint !== undefined ? `; ${hint}` : "";
}

function utilizationTarget(service: ServiceConfig, resource: "cpu" | "memory"): number | undefined {
    for (const metric of service.metrics) {
        if (metric.type === "Resource" && metric.name === resource && metric.averageUtilization !== undefined) {
            return metric.averageUtilization;
        }
    }
    return undefined;
}

function milli(quantity: string): number {
    return Math.round(parseQuantity(quantity) * 1000);
}

/** The rate() window of the adapter rule that serves `metric`, in seconds. */
function customMetricWindowSeconds(config: PlatformConfig, metric: string): number {
    const rule = config.addons.prometheusAdapter.rules.find((candidate) => candidate.metric === metric);
    return rule !== undefined ? durationSeconds(rule.window) : DEFAULT_CUSTOM_METRIC_WINDOW_SECONDS;
}

export { durationSeconds };
