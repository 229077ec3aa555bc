/**
 * The scaling simulator's service model: how load on a service becomes the numbers its HPA reads.
 * Pure functions of the parsed config (config.ts); simulator/run.ts steps them through time.
 *
 * Load units
 *   A service with a Pods metric measures load in that metric's unit: the first Pods metric's value
 *   summed over the service's pods (api-gateway: http_requests_per_second, requests/s). A service
 *   without one is CPU-bound: its load is CPU work in millicores, on top of each pod's idle CPU.
 *
 * Per service (simulation.services.<name>, defaults in `serviceModel`)
 *   C      capacityPerPod: load one ready pod serves at its HPA target. Default: the first Pods
 *          metric's target (model-orchestration: 20 requests/s); CPU-bound: the CPU request x
 *          (CPU target - b) / 100 (agent-orchestrator: 500m x (70 - 10)% = 300m); at least 1.
 *   b, u   baseCpuUtilization (10, or u / 2 if lower) and cpuUtilizationAtCapacity (the CPU target, else 70): CPU of an
 *          idle pod and of a pod serving C, in percent of the CPU request.
 *   mb, mu baseMemoryUtilization and memoryUtilizationAtCapacity: the same for memory (defaults half
 *          and three quarters of the memory target, else 40 and 60: memory follows load but does not
 *          drive scaling unless set to).
 *
 * Per pod, with L the service's load and r its ready pods (only ready pods get traffic: the
 * Service's endpoints list only them; starting and pending pods serve nothing)
 *   x      = min(L / r, xmax)                          load each ready pod serves
 *   xmax   = C x (100 x limit.cpu / request.cpu - b) / (u - b)   where its CPU reaches its CPU limit
 *   cpu%   = b  + (x / C) x (u  - b)                   CPU utilization (idle pods: b)
 *   mem%   = mb + (x / C) x (mu - mb)                  memory utilization
 *   pods metric = x for the first Pods metric; (x / C) x target for any other (each is at its
 *          target when the pod serves C)
 *   unserved load = L - r x x  (load above what the ready pods can serve at their CPU limits)
 *   needed replicas = clamp(ceil(L / C), minReplicas, maxReplicas): the pods that serve L at the target
 *
 * What the HPA sees (simulator/run.ts): metrics-server's CPU and memory are a pod's average over a
 * 15 s window (its resolution) that ends 10 s before the HPA reads it (the kubelet serves stats up to
 * one 10 s housekeeping interval old), once the pod has run that long; a Pods metric is the pod's
 * average since it started over the prometheus-adapter rule's rate() window (addons.prometheusAdapter
 * .rules, default 2m), ending half a scrape interval before the read, once the pod has run two scrape
 * intervals (rate() needs two samples). Samples are in the
 * controller's milli-units, except Utilization targets, which are ratios and are fed in millicores
 * and bytes. Object metrics are not simulated (a warning says so); the HPA still scales on the rest.
 */
import { durationSeconds } from "../schema/common";
import type { ConfigCheck, PlatformConfig, ServiceConfig } from "../config";
import { closestKey, keyName } from "../config";
import { parseQuantity, toBytes, toMillicores } from "../quantity";
import type { HpaMetricSpec, HpaSpec } from "./hpa-controller";

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
                    `(${services.join(", ")})${closest(name, services)}`,
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

function closest(name: string, candidates: readonly string[]): string {
    const match = closestKey(name, candidates);
    return match !== undefined ? `; did you mean ${match}?` : "";
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
