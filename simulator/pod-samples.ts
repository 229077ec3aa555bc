/**
 * The samples of one HPA sync for a pod list, in the shape the replica calculator reads
 * (PodMetricsInfo, a read-only map by pod name), without a Map and sample objects made anew at
 * every sync.
 */
import type { PodInfo, PodMetric } from "./hpa";

/** A sample as PodSamples keeps it: rewritten in place at each sync. */
interface Slot {
    value: number;
    timestamp: number | undefined;
    window: number | undefined;
}

/**
 * One sync's samples of a pod list, as the replica calculator reads them: a map by pod name, here the
 * values in the list's order beside the list's index of names (`index`: name -> position in `infos`,
 * made once per list by run.ts podLists; names are unique). It iterates in the list's order, as a Map
 * filled in that order would.
 *
 * One PodSamples serves every sync of its list: `clear` forgets the last sync's samples and `put`
 * writes the next ones into the same objects, so an object `get` returned is rewritten at the next
 * sync. The HPA controller reads the samples during its reconcile and keeps none (HpaState holds
 * recommendations and scale events). A Map per sync would cost a long run dearly (docs/performance.md).
 */
export class PodSamples implements ReadonlyMap<string, PodMetric> {
    size = 0;
    /** By the list's positions; made at a position's first sample. */
    private readonly slots: Slot[] = [];
    /** 1 where the position has a sample at this sync. */
    private readonly present: Uint8Array;
    /** The position after the last one `get` found. */
    private next = 0;

    constructor(
        private readonly infos: readonly PodInfo[],
        private readonly index: ReadonlyMap<string, number>,
    ) {
        this.present = new Uint8Array(infos.length);
    }

    /** Forgets every sample (for the next sync's). */
    clear(): void {
        this.present.fill(0);
        this.size = 0;
    }

    /** Gives the list's `i`-th pod its sample (replacing one it had, as Map.set would). */
    put(i: number, value: number, timestamp?: number, window?: number): void {
        // A typed array drops a write past its end or at a fractional index without a word: say so instead.
        if (!(Number.isInteger(i) && i >= 0 && i < this.present.length))
            throw new RangeError(`PodSamples.put: position ${i} is not in the list of ${this.present.length} pods`);
        if (this.present[i] === 0) this.size++;
        this.present[i] = 1;
        const slot = this.slots[i];
        if (slot === undefined) {
            // Filled in order up to i, so that the array stays packed.
            while (this.slots.length < i) this.slots.push({ value: 0, timestamp: undefined, window: undefined });
            this.slots.push({ value, timestamp, window });
            return;
        }
        slot.value = value;
        slot.timestamp = timestamp;
        slot.window = window;
    }

    get(name: string): PodMetric | undefined {
        // The replica calculator reads the pods in the list's order (groupPods): the position after
        // the last one read is tried before the index, which saves a lookup by name per pod.
        let i: number | undefined = this.next;
        if (i >= this.infos.length || this.infos[i].name !== name) i = this.index.get(name);
        if (i === undefined) return undefined;
        this.next = i + 1;
        return this.present[i] === 1 ? this.slots[i] : undefined;
    }

    has(name: string): boolean {
        return this.get(name) !== undefined;
    }

    forEach(
        callback: (value: PodMetric, key: string, map: ReadonlyMap<string, PodMetric>) => void,
        thisArg?: unknown,
    ): void {
        for (let i = 0; i < this.present.length; i++) {
            if (this.present[i] === 1) callback.call(thisArg, this.slots[i], this.infos[i].name, this);
        }
    }

    *entries(): MapIterator<[string, PodMetric]> {
        for (let i = 0; i < this.present.length; i++)
            if (this.present[i] === 1) yield [this.infos[i].name, this.slots[i]];
    }

    *keys(): MapIterator<string> {
        for (let i = 0; i < this.present.length; i++) if (this.present[i] === 1) yield this.infos[i].name;
    }

    *values(): MapIterator<PodMetric> {
        for (let i = 0; i < this.present.length; i++) if (this.present[i] === 1) yield this.slots[i];
    }

    [Symbol.iterator](): MapIterator<[string, PodMetric]> {
        return this.entries();
    }
}
