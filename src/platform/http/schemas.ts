import { Type } from "@sinclair/typebox";

export const SlugParams = Type.Object({ slug: Type.String({ pattern: "^[a-z0-9][a-z0-9-]{0,62}$" }) });
