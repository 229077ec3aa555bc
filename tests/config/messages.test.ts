// Messages a person scans (issue 22, item 7): every message the checks produce over a corpus of bad
// configurations starts with the key it is about, in the `<key> (<value>) must ...` style, and keeps
// its first line to 200 characters; the fix goes on a second line.
import { strict as assert } from "assert";
import { preflight } from "../../preflight";
import { BAD_CONFIGS, baseStack } from "../helpers/bad-configs";

/** How long a message's first line may be: what a terminal row and a CI log line show unwrapped. */
const FIRST_LINE_LIMIT = 200;

function messagesOf(name: string): string[] {
    const entry = BAD_CONFIGS.find((bad) => bad.name === name)!;
    const { raw, context } = baseStack();
    entry.change(raw);
    const result = preflight(raw, { ...context, region: entry.region ?? context.region });
    return [...(result.ok ? [] : result.errors), ...result.warnings];
}

describe("messages: every check's message over the corpus of bad configurations", () => {
    for (const bad of BAD_CONFIGS) {
        it(`${bad.name}: first lines of at most ${FIRST_LINE_LIMIT} characters, each naming its key first`, () => {
            const messages = messagesOf(bad.name);
            assert.ok(messages.length > 0, "the corpus entry must produce a message");
            for (const message of messages) {
                const [first, ...rest] = message.split("\n");
                assert.ok(first.length <= FIRST_LINE_LIMIT, `${first.length} characters: ${first}`);
                assert.ok(rest.length <= 1, `more than one fix line: ${message}`);
                assert.match(first, /^(berrys-platform|aws):[A-Za-z]/, message);
            }
        });
    }
});
