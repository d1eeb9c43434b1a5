import type { DemoCampaign, DemoCase, DemoSection } from "./types.js";

// Both editions end shortly after Human Rights Day (10 December), as the real marathons did.
export const demoCampaigns: { current: DemoCampaign; previous: DemoCampaign } = {
  current: {
    slug: "w4r-2012",
    title: "Write for Rights 2012",
    year: 2012,
    goal: 1_500_000,
    days: 45,
  },
  previous: {
    slug: "w4r-2011",
    title: "Write for Rights 2011",
    year: 2011,
    goal: 1_000_000,
    days: 42,
  },
};

// Targets are the office-holders a letter was addressed to during the 2012 edition, not today's.
export const demoCases: DemoCase[] = [
  {
    slug: "gao-zhisheng",
    country: "CN",
    weight: 5,
    texts: {
      en: {
        title: "Gao Zhisheng",
        summary:
          "A human rights lawyer who defended some of the most vulnerable people in China, Gao Zhisheng has been subjected to enforced disappearance and torture, and is now in prison.",
        story:
          "Gao Zhisheng was once praised by the Chinese authorities as one of the country's best lawyers. He took on cases that others turned down: people persecuted for their beliefs, including Falun Gong practitioners and members of unregistered Christian churches, and people who had lost their land or homes without fair compensation.\n\nHis work made him a target. In 2005 his law firm was closed and his licence suspended, and in 2006 he was convicted of “inciting subversion of state power” and given a suspended sentence. In the years that followed, security officers repeatedly took him away and held him incommunicado for long periods; after one of these disappearances he described having been tortured.\n\nIn December 2011, shortly before his suspended sentence was due to end, state media announced that he would serve three years in prison for allegedly violating the terms of his probation. He is held in a prison in Xinjiang, far from his family, who have been allowed to visit him only rarely.",
        ask: "Release Gao Zhisheng immediately and unconditionally, as he is imprisoned solely for his peaceful human rights work. While he remains in prison, ensure that he is not tortured or otherwise ill-treated, and that he has regular access to his family, to lawyers of his choice and to any medical care he needs.",
      },
      es: {
        title: "Gao Zhisheng",
        summary:
          "Abogado de derechos humanos que defendió a algunas de las personas más vulnerables de China, Gao Zhisheng ha sido víctima de desaparición forzada y tortura, y hoy está en prisión.",
        story:
          "Las propias autoridades chinas llegaron a elogiar a Gao Zhisheng como uno de los mejores abogados del país. Aceptaba casos que otros rechazaban: personas perseguidas por sus creencias, entre ellas practicantes de Falun Gong y miembros de iglesias cristianas no registradas, y personas que habían perdido sus tierras o sus viviendas sin una indemnización justa.\n\nSu trabajo lo convirtió en blanco de represalias. En 2005 cerraron su bufete y suspendieron su licencia, y en 2006 fue declarado culpable de “incitar a la subversión del poder del Estado” y condenado a una pena de prisión en suspenso. En los años siguientes, agentes de seguridad se lo llevaron en repetidas ocasiones y lo mantuvieron incomunicado durante largos periodos; tras una de esas desapariciones relató que había sido torturado.\n\nEn diciembre de 2011, poco antes de que terminara la suspensión de su condena, los medios estatales anunciaron que cumpliría tres años de cárcel por haber incumplido supuestamente las condiciones que se le habían impuesto. Está recluido en una prisión de Xinjiang, lejos de su familia, que solo ha podido visitarlo en contadas ocasiones.",
        ask: "Liberen a Gao Zhisheng de inmediato y sin condiciones, ya que está encarcelado únicamente por su trabajo pacífico en favor de los derechos humanos. Mientras siga en prisión, garanticen que no sea sometido a tortura ni a otros malos tratos y que tenga acceso regular a su familia, a abogados de su elección y a la atención médica que necesite.",
      },
      fr: {
        title: "Gao Zhisheng",
        summary:
          "Avocat des droits humains, Gao Zhisheng a défendu certaines des personnes les plus vulnérables de Chine. Il a été victime de disparition forcée et de torture, et il est aujourd'hui en prison.",
        story:
          "Les autorités chinoises elles-mêmes avaient autrefois salué Gao Zhisheng comme l'un des meilleurs avocats du pays. Il acceptait des affaires dont d'autres ne voulaient pas : des personnes persécutées pour leurs convictions, notamment des pratiquants du Falun Gong et des membres d'Églises chrétiennes non enregistrées, ou des personnes privées de leurs terres ou de leur logement sans indemnisation équitable.\n\nSon travail a fait de lui une cible. En 2005, son cabinet a été fermé et sa licence suspendue ; en 2006, il a été déclaré coupable d'« incitation à la subversion du pouvoir de l'État » et condamné à une peine avec sursis. Dans les années qui ont suivi, des agents de sécurité l'ont emmené à plusieurs reprises et l'ont détenu au secret pendant de longues périodes ; après l'une de ces disparitions, il a raconté avoir été torturé.\n\nEn décembre 2011, peu avant la fin de son sursis, les médias d'État ont annoncé qu'il purgerait trois ans de prison pour avoir prétendument enfreint les conditions de sa mise à l'épreuve. Il est détenu dans une prison du Xinjiang, loin de sa famille, qui n'a pu lui rendre visite que de rares fois.",
        ask: "Libérez Gao Zhisheng immédiatement et sans condition, car il est emprisonné uniquement pour son action pacifique en faveur des droits humains. Tant qu'il reste en prison, veillez à ce qu'il ne subisse ni torture ni autres mauvais traitements, et à ce qu'il puisse voir régulièrement sa famille et les avocats de son choix et recevoir les soins médicaux dont il a besoin.",
      },
    },
    targets: [
      {
        name: "Wen Jiabao",
        title: "Premier of the State Council of the People's Republic of China",
        address: [
          "The State Council General Office",
          "2 Fuyoujie, Xichengqu",
          "Beijing 100017",
          "People's Republic of China",
        ],
      },
      {
        name: "Wu Aiying",
        title: "Minister of Justice",
        address: [
          "Ministry of Justice",
          "10 Chaoyangmen Nandajie, Chaoyangqu",
          "Beijing 100020",
          "People's Republic of China",
        ],
      },
    ],
  },
  {
    slug: "coastei-street",
    country: "RO",
    weight: 4,
    texts: {
      en: {
        title: "Coastei Street families",
        summary:
          "Roma families forcibly evicted from their homes in central Cluj-Napoca and moved next to a rubbish dump on the edge of the city.",
        story:
          "On 17 December 2010, in the middle of winter, the local authorities in Cluj-Napoca evicted the families, most of them Roma, who lived on Coastei Street, close to the city centre. They were given very little notice, there was no genuine consultation, and the families had no real opportunity to challenge the decision.\n\nSome of the families were moved into small modular housing units at Pata Rât, on the outskirts of the city, next to the municipal rubbish dump and a former chemical waste dump. Several families share a single bathroom, and the move took children far from their schools and adults far from their work. Other families were left with no housing at all.\n\nTogether with local organisations, the families are campaigning for their right to adequate housing and to be treated with dignity. Forced evictions like this one violate international human rights law and the prohibition of discrimination.",
        ask: "Provide the families evicted from Coastei Street with adequate alternative housing, after genuine consultation with them, and ensure that they receive an effective remedy, including compensation. Stop forced evictions, and do not move anyone into segregated housing next to the dump.",
      },
      es: {
        title: "Familias de la calle Coastei",
        summary:
          "Familias romaníes desalojadas por la fuerza de sus hogares en el centro de Cluj-Napoca y trasladadas junto a un vertedero a las afueras de la ciudad.",
        story:
          "El 17 de diciembre de 2010, en pleno invierno, las autoridades locales de Cluj-Napoca desalojaron a las familias, en su mayoría romaníes, que vivían en la calle Coastei, cerca del centro de la ciudad. Apenas recibieron aviso previo, no hubo una consulta real y las familias no tuvieron una posibilidad efectiva de impugnar la decisión.\n\nParte de las familias fue realojada en pequeñas viviendas modulares en Pata Rât, a las afueras de la ciudad, junto al vertedero municipal y a un antiguo vertedero de residuos químicos. Varias familias comparten un solo baño, y el traslado alejó a los niños y niñas de sus escuelas y a las personas adultas de sus trabajos. Otras familias se quedaron sin ninguna vivienda.\n\nJunto con organizaciones locales, las familias reclaman su derecho a una vivienda adecuada y a ser tratadas con dignidad. Los desalojos forzosos como este violan el derecho internacional de los derechos humanos y la prohibición de la discriminación.",
        ask: "Proporcionen a las familias desalojadas de la calle Coastei una vivienda alternativa adecuada, tras consultarlas de manera genuina, y garanticen que reciban una reparación efectiva, incluida una indemnización. Pongan fin a los desalojos forzosos y no trasladen a nadie a viviendas segregadas junto al vertedero.",
      },
      fr: {
        title: "Les familles de la rue Coastei",
        summary:
          "Des familles roms expulsées de force de leur logement dans le centre de Cluj-Napoca et relogées à côté d'une décharge, en périphérie de la ville.",
        story:
          "Le 17 décembre 2010, en plein hiver, les autorités locales de Cluj-Napoca ont expulsé les familles, roms pour la plupart, qui vivaient rue Coastei, près du centre-ville. Elles n'ont été prévenues que très peu de temps à l'avance, sans véritable consultation, et n'ont eu aucune possibilité réelle de contester la décision.\n\nUne partie des familles a été relogée dans de petits logements modulaires à Pata Rât, en périphérie de la ville, à côté de la décharge municipale et d'une ancienne décharge de déchets chimiques. Plusieurs familles partagent une seule salle de bains, et ce déménagement a éloigné les enfants de leur école et les adultes de leur travail. D'autres familles se sont retrouvées sans aucun logement.\n\nAvec des organisations locales, les familles réclament leur droit à un logement convenable et à être traitées avec dignité. Les expulsions forcées comme celle-ci violent le droit international relatif aux droits humains et l'interdiction de la discrimination.",
        ask: "Fournissez aux familles expulsées de la rue Coastei un logement de remplacement convenable, après une véritable consultation, et veillez à ce qu'elles obtiennent une réparation effective, y compris une indemnisation. Mettez fin aux expulsions forcées et ne reléguez personne dans des logements ségrégués à côté de la décharge.",
      },
    },
    targets: [
      {
        name: "Emil Boc",
        title: "Mayor of Cluj-Napoca",
        address: [
          "Primăria Municipiului Cluj-Napoca",
          "Calea Moților nr. 3",
          "400001 Cluj-Napoca",
          "Romania",
        ],
      },
      {
        name: "Victor Ponta",
        title: "Prime Minister of Romania",
        address: ["Guvernul României", "Piața Victoriei nr. 1, Sector 1", "011791 București", "Romania"],
      },
    ],
  },
  {
    slug: "ales-bialiatski",
    country: "BY",
    weight: 4,
    texts: {
      en: {
        title: "Ales Bialiatski",
        summary:
          "The head of the Human Rights Centre Viasna, Ales Bialiatski is in prison for using funds that paid for his human rights work.",
        story:
          "Ales Bialiatski has defended human rights in Belarus for many years. He founded the Human Rights Centre Viasna, which documents arbitrary arrests, unfair trials and ill-treatment and supports political prisoners and their families. He is also a vice-president of the International Federation for Human Rights (FIDH).\n\nViasna was stripped of its registration in 2003, which made it impossible for the organisation to hold a bank account in Belarus. Ales Bialiatski used accounts abroad to receive the funds that paid for Viasna's work. He was arrested in August 2011 and, in November that year, convicted of large-scale tax evasion and sentenced to four and a half years in a penal colony, with the confiscation of his property.\n\nHuman rights organisations regard him as a prisoner of conscience, jailed solely for his legitimate human rights work.",
        ask: "Release Ales Bialiatski immediately and unconditionally, quash his conviction, and allow human rights organisations such as Viasna to register and work freely in Belarus.",
      },
      es: {
        title: "Ales Bialiatski",
        summary:
          "Presidente del Centro de Derechos Humanos Viasna, Ales Bialiatski está en prisión por utilizar fondos que financiaban su trabajo en favor de los derechos humanos.",
        story:
          "Ales Bialiatski lleva muchos años defendiendo los derechos humanos en Bielorrusia. Fundó el Centro de Derechos Humanos Viasna, que documenta detenciones arbitrarias, juicios injustos y malos tratos, y presta apoyo a presos políticos y a sus familias. También es vicepresidente de la Federación Internacional por los Derechos Humanos (FIDH).\n\nEn 2003 se retiró a Viasna su inscripción oficial, lo que impedía a la organización tener una cuenta bancaria en Bielorrusia. Ales Bialiatski utilizó cuentas en el extranjero para recibir los fondos con los que se pagaba el trabajo de Viasna. Fue detenido en agosto de 2011 y, en noviembre de ese año, condenado por evasión fiscal a gran escala a cuatro años y medio de reclusión en una colonia penitenciaria, además de la confiscación de sus bienes.\n\nLas organizaciones de derechos humanos lo consideran un preso de conciencia, encarcelado únicamente por su legítimo trabajo en favor de los derechos humanos.",
        ask: "Liberen a Ales Bialiatski de inmediato y sin condiciones, anulen su condena y permitan que organizaciones de derechos humanos como Viasna se inscriban y trabajen libremente en Bielorrusia.",
      },
      fr: {
        title: "Ales Bialiatski",
        summary:
          "Président du Centre des droits humains Viasna, Ales Bialiatski est en prison pour avoir utilisé des fonds qui finançaient son action en faveur des droits humains.",
        story:
          "Ales Bialiatski défend les droits humains au Bélarus depuis de nombreuses années. Il a fondé le Centre des droits humains Viasna, qui recense les arrestations arbitraires, les procès iniques et les mauvais traitements, et soutient les prisonniers politiques et leurs familles. Il est également vice-président de la Fédération internationale pour les droits humains (FIDH).\n\nEn 2003, Viasna a été privé de son enregistrement officiel, ce qui empêchait l'organisation d'ouvrir un compte bancaire au Bélarus. Ales Bialiatski a donc utilisé des comptes à l'étranger pour recevoir les fonds qui finançaient le travail de Viasna. Il a été arrêté en août 2011 puis, en novembre de la même année, déclaré coupable de fraude fiscale à grande échelle et condamné à quatre ans et demi de détention dans une colonie pénitentiaire, assortis de la confiscation de ses biens.\n\nLes organisations de défense des droits humains le considèrent comme un prisonnier d'opinion, incarcéré uniquement pour son action légitime en faveur des droits humains.",
        ask: "Libérez Ales Bialiatski immédiatement et sans condition, annulez sa condamnation et permettez aux organisations de défense des droits humains comme Viasna de se faire enregistrer et de travailler librement au Bélarus.",
      },
    },
    targets: [
      {
        name: "Alyaksandr Lukashenka",
        title: "President of the Republic of Belarus",
        address: [
          "Administration of the President of the Republic of Belarus",
          "ul. Karla Marksa 38",
          "220016 Minsk",
          "Belarus",
        ],
      },
    ],
  },
  {
    slug: "azza-hilal-ahmad-suleiman",
    country: "EG",
    weight: 3,
    texts: {
      en: {
        title: "Azza Hilal Ahmad Suleiman",
        summary:
          "Azza was beaten unconscious by soldiers in Cairo as she tried to help a woman who was being attacked. She is still waiting for justice.",
        story:
          "On 17 December 2011, during protests near Tahrir Square in Cairo, Azza Hilal Ahmad Suleiman saw soldiers beating a woman and stripping her of her clothes. Azza and other protesters rushed to help her. The soldiers turned on them, and Azza was beaten so badly that she lost consciousness.\n\nHer skull was fractured, and she has lived since then with lasting effects on her health, including problems with her memory. Images of the violence used against women protesters that day shocked people in Egypt and around the world, yet no one has been held to account for the attack on her.\n\nDespite what she went through, Azza continues to speak out, both to obtain justice in her own case and for the right of women to protest without fear of violence.",
        ask: "Order a full, independent and impartial investigation into the attack on Azza Hilal Ahmad Suleiman, bring those responsible to justice in fair trials before civilian courts, and ensure that she receives full reparation. Make clear that the security forces must never use such violence against peaceful protesters.",
      },
      es: {
        title: "Azza Hilal Ahmad Suleiman",
        summary:
          "Unos soldados golpearon a Azza hasta dejarla inconsciente en El Cairo cuando intentaba ayudar a una mujer a la que estaban agrediendo. Todavía espera justicia.",
        story:
          "El 17 de diciembre de 2011, durante unas protestas cerca de la plaza Tahrir de El Cairo, Azza Hilal Ahmad Suleiman vio cómo unos soldados golpeaban a una mujer y le arrancaban la ropa. Azza y otros manifestantes corrieron a ayudarla. Los soldados se volvieron contra ellos y golpearon a Azza con tal violencia que perdió el conocimiento.\n\nSufrió una fractura de cráneo y desde entonces vive con secuelas duraderas, entre ellas problemas de memoria. Las imágenes de la violencia ejercida aquel día contra las mujeres que se manifestaban conmocionaron a la población de Egipto y de todo el mundo, pero nadie ha rendido cuentas por la agresión que ella sufrió.\n\nA pesar de todo lo que ha vivido, Azza sigue alzando la voz, tanto para obtener justicia en su caso como por el derecho de las mujeres a protestar sin miedo a la violencia.",
        ask: "Ordenen una investigación exhaustiva, independiente e imparcial sobre la agresión sufrida por Azza Hilal Ahmad Suleiman, lleven a los responsables ante la justicia en juicios justos ante tribunales civiles y garanticen que reciba una reparación integral. Dejen claro que las fuerzas de seguridad nunca deben emplear una violencia así contra manifestantes pacíficos.",
      },
    },
    targets: [
      {
        name: "Mohamed Morsi",
        title: "President of the Arab Republic of Egypt",
        address: ["Office of the President", "Al Ittihadia Palace", "Heliopolis, Cairo", "Egypt"],
      },
      {
        name: "Ahmed Mekki",
        title: "Minister of Justice",
        address: ["Ministry of Justice", "Magles El Shaab Street, Lazoughly Square", "Cairo", "Egypt"],
      },
    ],
  },
  {
    slug: "rosa-franco",
    country: "GT",
    weight: 3,
    texts: {
      en: {
        title: "Rosa Franco",
        summary:
          "Rosa Franco has spent more than ten years seeking justice for her 15-year-old daughter, María Isabel, who was abducted and murdered in Guatemala City in 2001.",
        story:
          "In December 2001, fifteen-year-old María Isabel Véliz Franco did not come home. Her mother, Rosa Franco, reported her missing. Days later, María Isabel's body was found in Guatemala City, bearing signs of brutal violence.\n\nThe investigation was marred by serious failings from the start, and more than a decade later no one has been brought to justice. Rosa has faced threats and intimidation for refusing to give up, and she has taken her daughter's case to the Inter-American human rights system. María Isabel's murder is one of many killings of women and girls in Guatemala that have gone unpunished.\n\nRosa's struggle is for her daughter, and also for the right of every woman and girl in Guatemala to live free from violence.",
        ask: "Ensure a thorough, impartial and effective investigation into the abduction and murder of María Isabel Véliz Franco and bring those responsible to justice. Protect Rosa Franco and her family from threats, and act decisively to prevent and punish violence against women and girls.",
      },
      es: {
        title: "Rosa Franco",
        summary:
          "Rosa Franco lleva más de diez años buscando justicia para su hija María Isabel, de 15 años, secuestrada y asesinada en la Ciudad de Guatemala en 2001.",
        story:
          "En diciembre de 2001, María Isabel Véliz Franco, de quince años, no volvió a casa. Su madre, Rosa Franco, denunció su desaparición. Días después, el cuerpo de María Isabel apareció en la Ciudad de Guatemala con señales de una violencia brutal.\n\nLa investigación estuvo plagada de graves deficiencias desde el principio y, más de una década después, nadie ha sido llevado ante la justicia. Rosa ha sufrido amenazas e intimidación por negarse a rendirse, y ha llevado el caso de su hija ante el sistema interamericano de derechos humanos. El asesinato de María Isabel es uno de los muchos asesinatos de mujeres y niñas en Guatemala que siguen impunes.\n\nLa lucha de Rosa es por su hija y también por el derecho de todas las mujeres y niñas de Guatemala a vivir una vida libre de violencia.",
        ask: "Garanticen una investigación exhaustiva, imparcial y efectiva sobre el secuestro y asesinato de María Isabel Véliz Franco y lleven a los responsables ante la justicia. Protejan a Rosa Franco y a su familia frente a las amenazas, y actúen con determinación para prevenir y sancionar la violencia contra las mujeres y las niñas.",
      },
      fr: {
        title: "Rosa Franco",
        summary:
          "Depuis plus de dix ans, Rosa Franco demande justice pour sa fille María Isabel, 15 ans, enlevée et assassinée dans la ville de Guatemala en 2001.",
        story:
          "En décembre 2001, María Isabel Véliz Franco, quinze ans, n'est pas rentrée chez elle. Sa mère, Rosa Franco, a signalé sa disparition. Quelques jours plus tard, le corps de María Isabel a été retrouvé dans la ville de Guatemala, portant les traces de violences brutales.\n\nL'enquête a été entachée de graves défaillances dès le début et, plus de dix ans après, personne n'a été traduit en justice. Rosa a subi des menaces et des actes d'intimidation parce qu'elle refuse de renoncer, et elle a porté l'affaire de sa fille devant le système interaméricain des droits humains. Le meurtre de María Isabel fait partie des nombreux meurtres de femmes et de filles restés impunis au Guatemala.\n\nLe combat de Rosa est celui d'une mère pour sa fille, mais aussi pour le droit de toutes les femmes et de toutes les filles du Guatemala de vivre à l'abri de la violence.",
        ask: "Veillez à ce qu'une enquête approfondie, impartiale et efficace soit menée sur l'enlèvement et le meurtre de María Isabel Véliz Franco, et à ce que les responsables soient traduits en justice. Protégez Rosa Franco et sa famille contre les menaces, et agissez résolument pour prévenir et punir la violence contre les femmes et les filles.",
      },
    },
    targets: [
      {
        name: "Claudia Paz y Paz",
        title: "Attorney General and Head of the Public Prosecutor's Office",
        address: [
          "Ministerio Público",
          "15 Avenida 15-16, Zona 1, Barrio Gerona",
          "Ciudad de Guatemala",
          "Guatemala",
        ],
      },
      {
        name: "Otto Pérez Molina",
        title: "President of the Republic of Guatemala",
        address: ["Casa Presidencial", "6a Avenida 4-41, Zona 1", "Ciudad de Guatemala 01001", "Guatemala"],
      },
    ],
  },
  {
    slug: "chiou-ho-shun",
    country: "TW",
    weight: 2,
    texts: {
      en: {
        title: "Chiou Ho-shun",
        summary:
          "Chiou Ho-shun has been behind bars since 1988 and is now on death row, convicted on the basis of confessions he says were extracted under torture.",
        story:
          "Chiou Ho-shun was arrested in 1988 and accused of the kidnapping and murder of a child and of the murder of an insurance saleswoman the year before. He has said that he confessed only after being tortured during interrogation, and some of his co-defendants have made similar allegations.\n\nHis case went back and forth between the courts for more than two decades, making it one of the longest-running criminal cases in Taiwan. In 2011 the Supreme Court upheld his death sentence, leaving him at risk of execution. Taiwan resumed executions in 2010 after a pause of several years.\n\nThe use of the death penalty after proceedings that may have relied on statements obtained through torture would be an irreversible injustice.",
        ask: "Do not execute Chiou Ho-shun. Commute his death sentence, and ensure his case is reviewed in proceedings that meet international fair trial standards and exclude any statement obtained through torture or other ill-treatment. Establish an official moratorium on executions as a first step towards abolishing the death penalty.",
      },
      es: {
        title: "Chiou Ho-shun",
        summary:
          "Chiou Ho-shun está en prisión desde 1988 y condenado a muerte, con base en confesiones que, según afirma, le fueron arrancadas bajo tortura.",
        story:
          "Chiou Ho-shun fue detenido en 1988 y acusado del secuestro y asesinato de un niño y del asesinato de una vendedora de seguros el año anterior. Ha afirmado que solo confesó después de ser torturado durante los interrogatorios, y algunos de sus coacusados han hecho denuncias similares.\n\nSu caso pasó de un tribunal a otro durante más de dos décadas, lo que lo convierte en uno de los procesos penales más largos de Taiwán. En 2011, el Tribunal Supremo confirmó su condena a muerte, por lo que corre peligro de ser ejecutado. Taiwán reanudó las ejecuciones en 2010 tras varios años sin llevarlas a cabo.\n\nAplicar la pena de muerte después de un proceso que pudo basarse en declaraciones obtenidas mediante tortura sería una injusticia irreversible.",
        ask: "No ejecuten a Chiou Ho-shun. Conmuten su condena a muerte y garanticen que su caso sea revisado en un proceso que cumpla las normas internacionales sobre juicios justos y excluya cualquier declaración obtenida mediante tortura u otros malos tratos. Establezcan una suspensión oficial de las ejecuciones como primer paso hacia la abolición de la pena de muerte.",
      },
    },
    targets: [
      {
        name: "Tseng Yung-fu",
        title: "Minister of Justice",
        address: [
          "Ministry of Justice",
          "No. 130, Section 1, Chongqing South Road",
          "Zhongzheng District, Taipei 10048",
          "Taiwan",
        ],
      },
      {
        name: "Ma Ying-jeou",
        title: "President",
        address: [
          "Office of the President",
          "No. 122, Section 1, Chongqing South Road",
          "Zhongzheng District, Taipei 10048",
          "Taiwan",
        ],
      },
    ],
  },
];

// Section weights use the same scale as demoCountryWeights, so each goal is the section's share of
// the 1.5M edition goal, rounded. The goals add up to less than 1.5M because actions also come from
// countries without a section.
export const demoSections: DemoSection[] = [
  { country: "PL", name: "Write for Rights Poland", languages: ["pl"], weight: 180, goal: 265_000 },
  { country: "FR", name: "Write for Rights France", languages: ["fr"], weight: 110, goal: 165_000 },
  {
    country: "US",
    name: "Write for Rights USA",
    languages: ["en-US", "en", "es"],
    weight: 90,
    goal: 135_000,
  },
  { country: "GB", name: "Write for Rights UK", languages: ["en-GB", "en", "cy"], weight: 80, goal: 120_000 },
  {
    country: "ES",
    name: "Write for Rights Spain",
    languages: ["es-ES", "es", "ca", "eu", "gl"],
    weight: 70,
    goal: 105_000,
  },
  { country: "NL", name: "Write for Rights Netherlands", languages: ["nl"], weight: 60, goal: 90_000 },
  { country: "DE", name: "Write for Rights Germany", languages: ["de"], weight: 60, goal: 90_000 },
  {
    country: "BE",
    name: "Write for Rights Belgium",
    languages: ["nl", "fr", "de"],
    weight: 50,
    goal: 75_000,
  },
  { country: "CA", name: "Write for Rights Canada", languages: ["en", "fr"], weight: 40, goal: 60_000 },
  { country: "IT", name: "Write for Rights Italy", languages: ["it"], weight: 40, goal: 60_000 },
  {
    country: "CH",
    name: "Write for Rights Switzerland",
    languages: ["de", "fr", "it"],
    weight: 30,
    goal: 45_000,
  },
  { country: "MX", name: "Write for Rights Mexico", languages: ["es-MX", "es"], weight: 20, goal: 30_000 },
  { country: "AR", name: "Write for Rights Argentina", languages: ["es-AR", "es"], weight: 20, goal: 30_000 },
  { country: "MA", name: "Write for Rights Morocco", languages: ["ar", "fr"], weight: 10, goal: 15_000 },
  { country: "TW", name: "Write for Rights Taiwan", languages: ["zh-TW"], weight: 10, goal: 15_000 },
  { country: "NP", name: "Write for Rights Nepal", languages: ["ne", "en"], weight: 8, goal: 12_000 },
  { country: "RU", name: "Write for Rights Russia", languages: ["ru"], weight: 6, goal: 9_000 },
];

// Every section country keeps its section weight here; the others are countries where supporters
// took part without a national section.
export const demoCountryWeights: Record<string, number> = {
  PL: 180,
  FR: 110,
  US: 90,
  GB: 80,
  ES: 70,
  NL: 60,
  DE: 60,
  BE: 50,
  CA: 40,
  IT: 40,
  CH: 30,
  MX: 20,
  AR: 20,
  MA: 10,
  TW: 10,
  NP: 8,
  RU: 6,
  IE: 15,
  AT: 15,
  PT: 12,
  SE: 12,
  AU: 12,
  NO: 10,
  DK: 10,
  IS: 8,
  CZ: 6,
  NZ: 6,
  KR: 5,
  CL: 5,
  TG: 4,
  SN: 3,
  DZ: 3,
};
