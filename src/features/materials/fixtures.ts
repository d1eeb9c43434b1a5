import type { EventKit } from "./documents.js";
import type { MaterialCase, MaterialTarget } from "./model.js";

// Cases as materials show them, in the six languages the rendering tests cover (Latin, Arabic
// right to left, Chinese, Devanagari, Cyrillic), with the texts a section would have written.

const PUBLIC_URL = "http://inkwell.test";

interface Texts {
  title: string;
  summary: string;
  story: string;
  ask: string;
  cards: string;
  targets: MaterialTarget[];
  kit: string;
}

const TEXTS: Record<string, Texts> = {
  en: {
    title: "Rosa Franco",
    summary: "A student leader jailed for a peaceful protest.",
    story:
      "Rosa organised a sit-in at her university in March.\n\nShe was arrested the next day and has been held ever since, without trial.",
    ask: "Release Rosa Franco now and drop all charges against her.",
    cards: "Rosa Franco\nc/o Amnesty Section\n1 Easton Street\nLondon WC1X 0DW",
    targets: [
      {
        name: "Helen Carter",
        title: "Attorney General",
        gender: "female",
        salutation: "",
        addressLines: ["Office of the Attorney General", "10 Justice Road", "Capital City 1010"],
      },
      {
        name: "Paul Reyes",
        title: "Minister of the Interior",
        salutation: "",
        addressLines: ["Ministry of the Interior", "2 Main Square", "Capital City 1020"],
      },
    ],
    kit: "Meet in a library.\n\nWrite letters together.",
  },
  es: {
    title: "Rosa Franco",
    summary: "Una líder estudiantil encarcelada por una protesta pacífica.",
    story:
      "Rosa organizó una sentada en su universidad en marzo.\n\nFue detenida al día siguiente y sigue presa desde entonces, sin juicio.",
    ask: "Liberen a Rosa Franco ya y retiren todos los cargos en su contra.",
    cards: "Rosa Franco\nc/o Sección de Amnistía\nCalle Mayor 12\n28013 Madrid",
    targets: [
      {
        name: "Elena Martínez",
        title: "Fiscal General",
        gender: "female",
        salutation: "",
        addressLines: ["Fiscalía General", "Avenida de la Justicia 10", "Ciudad Capital"],
      },
      {
        name: "Pablo Reyes",
        title: "Ministro del Interior",
        gender: "male",
        salutation: "",
        addressLines: ["Ministerio del Interior", "Plaza Mayor 2", "Ciudad Capital"],
      },
    ],
    kit: "Reuníos en una biblioteca.\n\nEscribid cartas juntos.",
  },
  ar: {
    title: "روزا فرانكو",
    summary: "قائدة طلابية سجنت بسبب احتجاج سلمي.",
    story:
      "نظمت روزا اعتصاما في جامعتها في شهر مارس.\n\nوقبض عليها في اليوم التالي وما زالت محتجزة منذ ذلك الحين دون محاكمة.",
    ask: "أفرجوا عن روزا فرانكو فورا وأسقطوا جميع التهم الموجهة إليها.",
    cards: "روزا فرانكو\nبعناية فرع منظمة العفو\nشارع النيل\nالقاهرة",
    targets: [
      {
        name: "هدى كامل",
        title: "النائبة العامة",
        gender: "female",
        salutation: "",
        addressLines: ["مكتب النائب العام", "شارع العدل", "القاهرة"],
      },
      {
        name: "باسم رياض",
        title: "وزير الداخلية",
        salutation: "",
        addressLines: ["وزارة الداخلية", "ميدان التحرير", "القاهرة"],
      },
    ],
    kit: "اجتمعوا في مكتبة.\n\nاكتبوا الرسائل معا.",
  },
  "zh-Hans": {
    title: "罗莎·佛朗哥",
    summary: "一名因和平抗议而入狱的学生领袖。",
    story: "罗莎三月在她的大学组织了一次静坐。\n\n第二天她被逮捕，此后一直未经审判被关押。",
    ask: "立即释放罗莎·佛朗哥，撤销对她的所有指控。",
    cards: "罗莎·佛朗哥\n国际特赦组织分会转交\n朝阳门南大街10号\n北京市 100020",
    targets: [
      {
        name: "王丽华",
        title: "总检察长",
        gender: "female",
        salutation: "",
        addressLines: ["最高人民检察院", "北河沿大街147号", "北京市 100726"],
      },
      {
        name: "李明",
        title: "公安部长",
        salutation: "",
        addressLines: ["公安部", "东长安街14号", "北京市 100741"],
      },
    ],
    kit: "在图书馆集合。\n\n一起写信。",
  },
  hi: {
    title: "रोज़ा फ़्रैंको",
    summary: "शांतिपूर्ण विरोध के लिए जेल में डाली गई एक छात्र नेता।",
    story:
      "रोज़ा ने मार्च में अपने विश्वविद्यालय में धरना आयोजित किया।\n\nअगले दिन उन्हें गिरफ़्तार कर लिया गया और तब से वह बिना मुक़दमे के हिरासत में हैं।",
    ask: "रोज़ा फ़्रैंको को तुरंत रिहा करें और उनके ख़िलाफ़ सभी आरोप वापस लें।",
    cards: "रोज़ा फ़्रैंको\nद्वारा एमनेस्टी अनुभाग\nनॉर्थ ब्लॉक\nनई दिल्ली 110001",
    targets: [
      {
        name: "सुनीता वर्मा",
        title: "महान्यायवादी",
        salutation: "आदरणीय महान्यायवादी महोदया,",
        addressLines: ["महान्यायवादी कार्यालय", "न्याय मार्ग 10", "नई दिल्ली 110011"],
      },
      {
        name: "अजय कुमार",
        title: "गृह मंत्री",
        salutation: "माननीय गृह मंत्री जी,",
        addressLines: ["गृह मंत्रालय", "नॉर्थ ब्लॉक", "नई दिल्ली 110001"],
      },
    ],
    kit: "पुस्तकालय में मिलें।\n\nसाथ मिलकर पत्र लिखें।",
  },
  ru: {
    title: "Роза Франко",
    summary: "Студенческая активистка, заключённая под стражу за мирный протест.",
    story:
      "В марте Роза организовала сидячую забастовку в своём университете.\n\nНа следующий день её арестовали, и с тех пор она содержится под стражей без суда.",
    ask: "Немедленно освободите Розу Франко и снимите с неё все обвинения.",
    cards: "Розе Франко\nчерез отделение Амнистии\nул. Житная, 14\nМосква, 119991",
    targets: [
      {
        name: "Елена Смирнова",
        title: "Генеральный прокурор",
        gender: "female",
        salutation: "",
        addressLines: ["Генеральная прокуратура", "ул. Большая Дмитровка, 15а", "Москва, 125993"],
      },
      {
        name: "Павел Орлов",
        title: "Министр внутренних дел",
        gender: "male",
        salutation: "",
        addressLines: ["Министерство внутренних дел", "ул. Житная, 16", "Москва, 119049"],
      },
    ],
    kit: "Соберитесь в библиотеке.\n\nПишите письма вместе.",
  },
};

export const FIXTURE_LANGUAGES = Object.keys(TEXTS);

/** A case in `language` as loadMaterialCase gives it, with an optional photo. */
export function materialCase(language: string, photo?: Uint8Array): MaterialCase {
  const t = TEXTS[language];
  if (!t) throw new Error(`no fixture in ${language}`);
  return {
    campaignId: 1,
    campaignTitle: "Write for Rights 2012",
    slug: "rosa-franco",
    language,
    textLanguage: language,
    title: t.title,
    summary: t.summary,
    story: t.story,
    ask: t.ask,
    sampleLetter: "",
    photoAlt: "",
    cardsAddress: t.cards.split("\n"),
    targets: t.targets.map((target) => ({ ...target })),
    pageUrl: `${PUBLIC_URL}/${language}/cases/rosa-franco`,
    photo,
  };
}

/** The event kit in `language`, written by the edition in that language. */
export function eventKit(language: string): EventKit {
  const t = TEXTS[language];
  if (!t) throw new Error(`no fixture in ${language}`);
  return {
    campaignTitle: "Write for Rights 2012",
    language,
    text: t.kit,
    textLanguage: language,
    reportUrl: `${PUBLIC_URL}/office/reports/new`,
  };
}
