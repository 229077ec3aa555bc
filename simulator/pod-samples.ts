/**
 * The samples of one HPA sync for a pod list, in the shape the replica calculator reads
 * (PodMetricsInfo, a read-only map by pod name), without a Map filled anew at every sync.
 */
import type { PodInfo, PodMetric } from "./hpa-controller";

/**
 * One sync's samples of a pod list, as the replica calculator reads them: a map by pod name, here the
 * values in the list's order beside the list's index of names (`index`: name -> position in `infos`,
 * made once per list by run.ts podLists). The Map it replaces, filled anew at every sync, was a fifth
 * of what a 128-service day allocated. It iterates in the list's order, as that Map did in insertion
 * order; get, has, size and forEach are direct, the iterators go through a Map.
 */
export class PodSamples implements ReadonlyMap<string, PodMetric> {
    size = 0;
    /** By the list's positions; a hole or undefined: no sample. */
    private readonly byPosition: (PodMetric | undefined)[];

    constructor(private readonly infos: readonly PodInfo[], private readonly index: ReadonlyMap<string, number>) {
        this.byPosition = new Array<PodMetric | undefined>(infos.length);
    }

    /** Gives the list's `i`-th pod its sample (replacing one it had, as Map.set would). */
    put(i: number, metric: PodMetric): void {
        if (this.byPosition[i] === undefined) this.size++;
        this.byPosition[i] = metric;
    }

    get(name: string): PodMetric | undefined {
        const i = this.index.get(name);
        return i === undefined ? undefined : this.byPosition[i];
    }

    has(name: string): boolean {
        return this.get(name) !== undefined;
    }

    forEach(callback: (value: PodMetric, key: string, map: ReadonlyMap<string, PodMetric>) => void, thisArg?: unknown): void {
        for (let i = 0; i < this.byPosition.length; i++) {
            const value = this.byPosition[i];
            if (value !== undefined) callback.call(thisArg, value, this.infos[i].name, this);
        }
    }

    private toMap(): Map<string, PodMetric> {
        const map = new Map<string, PodMetric>();
        this.forEach((value, key) => map.set(key, value));
        return map;
    }

    entries() { return this.toMap().entries(); }
    keys() { return this.toMap().keys(); }
    values() { return this.toMap().values(); }
    [Symbol.iterator]() { return this.toMap()[Symbol.iterator](); }
}
