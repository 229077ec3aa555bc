// Config schema of `guardrails`: the capacity checks run before deploying (issue 4 fills this in).
import { z } from "zod";

export const guardrailsSchema = z.strictObject({}).prefault({});
