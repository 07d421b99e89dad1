/** zod/mini loads no messages of its own: without a locale every issue reads "Invalid input". */
import { config } from "zod/mini";
import { en } from "zod/locales";

config(en());
