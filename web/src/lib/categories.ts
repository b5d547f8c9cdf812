// The event categories: one list for the panel (the organizer picks one) and the Mini App (the participant filters
// by one), so a category an event is given is always one the filter offers. The API stores the id; each language
// has its own label. An event saved earlier with another text keeps it and is shown as it is.
import type { Language } from "./i18n";

export const categories = {
  conference: { en: "Conference", ru: "Конференция" },
  meetup: { en: "Meetup", ru: "Митап" },
  concert: { en: "Concert", ru: "Концерт" },
  workshop: { en: "Workshop", ru: "Воркшоп" },
  party: { en: "Party", ru: "Вечеринка" },
  sport: { en: "Sport", ru: "Спорт" },
  hackathon: { en: "Hackathon", ru: "Хакатон" },
  exhibition: { en: "Exhibition", ru: "Выставка" },
} as const satisfies Record<string, Record<Language, string>>;

export type Category = keyof typeof categories;
export const categoryIds = Object.keys(categories) as Category[];

/** The label of a category id in `lang`; an unknown one (an older free-text category) as it is. */
export function categoryLabel(id: string, lang: Language): string {
  return id in categories ? categories[id as Category][lang] : id;
}
