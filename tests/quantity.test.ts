// Quantities as the API server writes them back: the canonical form admission policies compare.
import { strict as assert } from "assert";
import { canonicalQuantity } from "../quantity";

describe("canonicalQuantity: the API server's canonical form of a quantity", () => {
    // k8s.io/apimachinery pkg/api/resource/quantity_test.go at v0.34.10: TestQuantityString
    // (:702-744), each `expect` with the `alternate` spelling that parses to it, and
    // TestQuantityParseEmit (:794-802).
    const upstream: [string, string][] = [
        ["1Gi", "1Gi"],
        ["1024Mi", "1Gi"],
        ["300Mi", "300Mi"],
        ["307200Ki", "300Mi"],
        ["6Ki", "6Ki"],
        ["1001Gi", "1001Gi"],
        ["1025024Mi", "1001Gi"],
        ["1Ti", "1Ti"],
        ["1024Gi", "1Ti"],
        ["5", "5"],
        ["5000m", "5"],
        ["500m", "500m"],
        ["0.5", "500m"],
        ["1G", "1G"],
        ["1000M", "1G"],
        ["0.001T", "1G"],
        ["1m", "1m"],
        ["1000u", "1m"],
        ["80m", "80m"],
        ["1080m", "1080m"],
        ["1.08", "1080m"],
        ["1080000000n", "1080m"],
        ["300M", "300M"],
        ["1T", "1T"],
        ["1234567M", "1234567M"],
        ["1234567m", "1234567m"],
        ["3k", "3k"],
        ["1025", "1025"],
        ["0", "0"],
        ["00", "0"],
        ["1e9", "1e9"],
        [".001e12", "1e9"],
        ["1e-3", "1e-3"],
        ["0.001e0", "1e-3"],
        ["1e-9", "1e-9"],
        ["1000e-12", "1e-9"],
        ["80e-3", "80e-3"],
        ["300e6", "300e6"],
        ["1e12", "1e12"],
        ["1e3", "1e3"],
        ["3e3", "3e3"],
        ["1n", "1n"],
        ["80n", "80n"],
        ["1080n", "1080n"],
        ["1u", "1u"],
        ["80u", "80u"],
        ["1080u", "1080u"],
        ["1Ki", "1Ki"],
        ["1Mi", "1Mi"],
        [".001Ki", "1024m"],
        [".000001Ki", "1024u"],
        [".000000001Ki", "1024n"],
        [".000000000001Ki", "2n"],
    ];
    for (const [input, canonical] of upstream) {
        it(`${input} -> ${canonical}`, () => assert.equal(canonicalQuantity(input), canonical));
    }

    it("the seed's requests and limits are already canonical", () => {
        for (const value of [
            "500m",
            "512Mi",
            "1",
            "1Gi",
            "2",
            "2Gi",
            "250m",
            "256Mi",
            "100m",
            "128Mi",
            "250m",
            "256Mi",
        ]) {
            assert.equal(canonicalQuantity(value), value);
        }
    });

    it("throws on what is no quantity (a sign, a bad suffix)", () => {
        assert.throws(() => canonicalQuantity("-1"), /not a Kubernetes quantity/);
        assert.throws(() => canonicalQuantity("1mi"), /not a Kubernetes quantity/);
    });
});
