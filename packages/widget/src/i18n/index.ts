/**
 * Translated strings. Reason labels are keyed by the DESIGN §2.5 ids; everything else by the
 * place it appears. Offer details are functions because word order differs between languages.
 */
import type { CancelReason } from "@windback/protocol";

export interface Strings {
  dir: "ltr" | "rtl";
  reasonsTitle: string;
  reasonsIntro: string;
  reasons: Record<CancelReason, string>;
  detailsTitle: string;
  detailsPrompt: Partial<Record<CancelReason, string>>;
  detailsDefault: string;
  optional: string;
  required: string;
  reasonRequired: string;
  textRequired: string;
  continue: string;
  back: string;
  sending: string;
  cancelAnyway: string;
  close: string;
  offerBadge: string;
  decline: string;
  confirmTitle: string;
  confirmBody: string;
  confirm: string;
  keep: string;
  errorTitle: string;
  errorBody: string;
  continueCancelling: string;
  done: string;
  discount: (percent: number, months: number) => string;
  pause: (days: number) => string;
  extension: (days: number) => string;
  downgrade: (plan: string) => string;
  unlock: (feature: string, days: number) => string;
}

const en: Strings = {
  dir: "ltr",
  reasonsTitle: "Why are you cancelling?",
  reasonsIntro: "Your answer helps us improve. It takes a few seconds.",
  reasons: {
    too_expensive: "It's too expensive",
    missing_features: "It's missing features I need",
    not_using_enough: "I don't use it enough",
    switching_competitor: "I'm switching to another product",
    technical_issues: "I ran into technical issues",
    poor_support: "Support didn't meet my needs",
    dont_need_anymore: "I don't need it anymore",
    other: "Something else",
  },
  detailsTitle: "Tell us a bit more",
  detailsPrompt: {
    missing_features: "Which features were you missing?",
    switching_competitor: "Which product are you switching to?",
    technical_issues: "What went wrong?",
    other: "What's the main reason you're leaving?",
  },
  detailsDefault: "Anything you'd like to add?",
  optional: "optional",
  required: "required",
  reasonRequired: "Please choose a reason.",
  textRequired: "Please tell us a little more.",
  continue: "Continue",
  back: "Back",
  sending: "Sending…",
  cancelAnyway: "Skip and cancel",
  close: "Close",
  offerBadge: "Before you go",
  decline: "No thanks, cancel",
  confirmTitle: "Confirm cancellation",
  confirmBody: "Your subscription will be cancelled. You're welcome back any time.",
  confirm: "Cancel subscription",
  keep: "Keep my subscription",
  errorTitle: "Something went wrong",
  errorBody: "We couldn't reach our server, but you can still cancel your subscription.",
  continueCancelling: "Continue cancelling",
  done: "Thank you.",
  discount: (p, m) => `${p}% off for ${m} ${m === 1 ? "month" : "months"}`,
  pause: (d) => `Pause your subscription for ${d} days`,
  extension: (d) => `${d} extra days, on us`,
  downgrade: (plan) => `Switch to the ${plan} plan`,
  unlock: (f, d) => `${f}, unlocked for ${d} days`,
};

const fr: Strings = {
  dir: "ltr",
  reasonsTitle: "Pourquoi résiliez-vous ?",
  reasonsIntro: "Votre réponse nous aide à nous améliorer. Cela ne prend que quelques secondes.",
  reasons: {
    too_expensive: "C'est trop cher",
    missing_features: "Il manque des fonctionnalités",
    not_using_enough: "Je ne l'utilise pas assez",
    switching_competitor: "Je passe à un autre produit",
    technical_issues: "J'ai rencontré des problèmes techniques",
    poor_support: "Le support ne m'a pas satisfait",
    dont_need_anymore: "Je n'en ai plus besoin",
    other: "Autre chose",
  },
  detailsTitle: "Dites-nous en un peu plus",
  detailsPrompt: {
    missing_features: "Quelles fonctionnalités vous ont manqué ?",
    switching_competitor: "Vers quel produit partez-vous ?",
    technical_issues: "Qu'est-ce qui n'a pas fonctionné ?",
    other: "Quelle est la raison principale de votre départ ?",
  },
  detailsDefault: "Souhaitez-vous ajouter quelque chose ?",
  optional: "facultatif",
  required: "obligatoire",
  reasonRequired: "Veuillez choisir une raison.",
  textRequired: "Dites-nous en un peu plus, s'il vous plaît.",
  continue: "Continuer",
  back: "Retour",
  sending: "Envoi…",
  cancelAnyway: "Passer et résilier",
  close: "Fermer",
  offerBadge: "Avant de partir",
  decline: "Non merci, résilier",
  confirmTitle: "Confirmer la résiliation",
  confirmBody: "Votre abonnement sera résilié. Vous pourrez revenir quand vous voudrez.",
  confirm: "Résilier l'abonnement",
  keep: "Garder mon abonnement",
  errorTitle: "Une erreur est survenue",
  errorBody: "Impossible de joindre notre serveur, mais vous pouvez tout de même résilier.",
  continueCancelling: "Continuer la résiliation",
  done: "Merci.",
  discount: (p, m) => `${p} % de réduction pendant ${m} mois`,
  pause: (d) => `Mettez votre abonnement en pause ${d} jours`,
  extension: (d) => `${d} jours offerts`,
  downgrade: (plan) => `Passez à l'offre ${plan}`,
  unlock: (f, d) => `${f}, débloqué pendant ${d} jours`,
};

const de: Strings = {
  dir: "ltr",
  reasonsTitle: "Warum kündigen Sie?",
  reasonsIntro: "Ihre Antwort hilft uns, besser zu werden. Es dauert nur ein paar Sekunden.",
  reasons: {
    too_expensive: "Es ist zu teuer",
    missing_features: "Mir fehlen Funktionen",
    not_using_enough: "Ich nutze es zu selten",
    switching_competitor: "Ich wechsle zu einem anderen Produkt",
    technical_issues: "Ich hatte technische Probleme",
    poor_support: "Der Support hat mir nicht geholfen",
    dont_need_anymore: "Ich brauche es nicht mehr",
    other: "Etwas anderes",
  },
  detailsTitle: "Erzählen Sie uns mehr",
  detailsPrompt: {
    missing_features: "Welche Funktionen haben Ihnen gefehlt?",
    switching_competitor: "Zu welchem Produkt wechseln Sie?",
    technical_issues: "Was ist schiefgelaufen?",
    other: "Was ist der Hauptgrund für Ihre Kündigung?",
  },
  detailsDefault: "Möchten Sie noch etwas ergänzen?",
  optional: "optional",
  required: "erforderlich",
  reasonRequired: "Bitte wählen Sie einen Grund.",
  textRequired: "Bitte erzählen Sie uns etwas mehr.",
  continue: "Weiter",
  back: "Zurück",
  sending: "Wird gesendet…",
  cancelAnyway: "Überspringen und kündigen",
  close: "Schließen",
  offerBadge: "Bevor Sie gehen",
  decline: "Nein danke, kündigen",
  confirmTitle: "Kündigung bestätigen",
  confirmBody: "Ihr Abonnement wird gekündigt. Sie sind jederzeit wieder willkommen.",
  confirm: "Abonnement kündigen",
  keep: "Abonnement behalten",
  errorTitle: "Etwas ist schiefgelaufen",
  errorBody: "Unser Server ist nicht erreichbar, Sie können aber trotzdem kündigen.",
  continueCancelling: "Weiter zur Kündigung",
  done: "Vielen Dank.",
  discount: (p, m) => `${p} % Rabatt für ${m} ${m === 1 ? "Monat" : "Monate"}`,
  pause: (d) => `Pausieren Sie Ihr Abonnement für ${d} Tage`,
  extension: (d) => `${d} zusätzliche Tage geschenkt`,
  downgrade: (plan) => `Wechseln Sie zum Tarif ${plan}`,
  unlock: (f, d) => `${f}, ${d} Tage freigeschaltet`,
};

const es: Strings = {
  dir: "ltr",
  reasonsTitle: "¿Por qué cancelas?",
  reasonsIntro: "Tu respuesta nos ayuda a mejorar. Solo lleva unos segundos.",
  reasons: {
    too_expensive: "Es demasiado caro",
    missing_features: "Le faltan funciones que necesito",
    not_using_enough: "No lo uso lo suficiente",
    switching_competitor: "Me cambio a otro producto",
    technical_issues: "Tuve problemas técnicos",
    poor_support: "El soporte no me ayudó",
    dont_need_anymore: "Ya no lo necesito",
    other: "Otro motivo",
  },
  detailsTitle: "Cuéntanos un poco más",
  detailsPrompt: {
    missing_features: "¿Qué funciones echaste en falta?",
    switching_competitor: "¿A qué producto te cambias?",
    technical_issues: "¿Qué salió mal?",
    other: "¿Cuál es el motivo principal?",
  },
  detailsDefault: "¿Quieres añadir algo?",
  optional: "opcional",
  required: "obligatorio",
  reasonRequired: "Elige un motivo.",
  textRequired: "Cuéntanos un poco más, por favor.",
  continue: "Continuar",
  back: "Atrás",
  sending: "Enviando…",
  cancelAnyway: "Omitir y cancelar",
  close: "Cerrar",
  offerBadge: "Antes de irte",
  decline: "No, gracias, cancelar",
  confirmTitle: "Confirmar la cancelación",
  confirmBody: "Tu suscripción se cancelará. Puedes volver cuando quieras.",
  confirm: "Cancelar suscripción",
  keep: "Mantener mi suscripción",
  errorTitle: "Algo salió mal",
  errorBody: "No pudimos conectar con el servidor, pero aún puedes cancelar tu suscripción.",
  continueCancelling: "Continuar con la cancelación",
  done: "Gracias.",
  discount: (p, m) => `${p} % de descuento durante ${m} ${m === 1 ? "mes" : "meses"}`,
  pause: (d) => `Pausa tu suscripción durante ${d} días`,
  extension: (d) => `${d} días adicionales gratis`,
  downgrade: (plan) => `Cámbiate al plan ${plan}`,
  unlock: (f, d) => `${f}, desbloqueado durante ${d} días`,
};

const ar: Strings = {
  dir: "rtl",
  reasonsTitle: "لماذا تلغي اشتراكك؟",
  reasonsIntro: "إجابتك تساعدنا على التحسن. لن يستغرق ذلك سوى ثوانٍ.",
  reasons: {
    too_expensive: "السعر مرتفع جدًا",
    missing_features: "تنقصه ميزات أحتاجها",
    not_using_enough: "لا أستخدمه بما يكفي",
    switching_competitor: "سأنتقل إلى منتج آخر",
    technical_issues: "واجهت مشكلات تقنية",
    poor_support: "الدعم لم يلبِّ احتياجاتي",
    dont_need_anymore: "لم أعد بحاجة إليه",
    other: "سبب آخر",
  },
  detailsTitle: "أخبرنا المزيد",
  detailsPrompt: {
    missing_features: "ما الميزات التي كانت تنقصك؟",
    switching_competitor: "إلى أي منتج ستنتقل؟",
    technical_issues: "ما الذي حدث؟",
    other: "ما السبب الرئيسي لمغادرتك؟",
  },
  detailsDefault: "هل تود إضافة شيء؟",
  optional: "اختياري",
  required: "مطلوب",
  reasonRequired: "يرجى اختيار سبب.",
  textRequired: "يرجى إخبارنا بالمزيد.",
  continue: "متابعة",
  back: "رجوع",
  sending: "جارٍ الإرسال…",
  cancelAnyway: "تخطَّ وألغِ الاشتراك",
  close: "إغلاق",
  offerBadge: "قبل أن تغادر",
  decline: "لا شكرًا، ألغِ الاشتراك",
  confirmTitle: "تأكيد الإلغاء",
  confirmBody: "سيتم إلغاء اشتراكك. يسعدنا عودتك في أي وقت.",
  confirm: "إلغاء الاشتراك",
  keep: "الإبقاء على اشتراكي",
  errorTitle: "حدث خطأ ما",
  errorBody: "تعذر الاتصال بالخادم، لكن يمكنك إلغاء اشتراكك على أي حال.",
  continueCancelling: "متابعة الإلغاء",
  done: "شكرًا لك.",
  discount: (p, m) => `خصم ${p}% لمدة ${m} شهر`,
  pause: (d) => `أوقف اشتراكك مؤقتًا لمدة ${d} يومًا`,
  extension: (d) => `${d} يومًا إضافيًا مجانًا`,
  downgrade: (plan) => `انتقل إلى خطة ${plan}`,
  unlock: (f, d) => `${f} متاحة لمدة ${d} يومًا`,
};

export const LOCALES: Readonly<Record<string, Strings>> = { en, fr, de, es, ar };

/** First supported language among the candidates (`fr-CA` → `fr`), English otherwise. */
export function resolveLocale(...candidates: Array<string | null | undefined>): string {
  for (const candidate of candidates) {
    const lang = candidate?.trim().toLowerCase().split(/[-_]/)[0];
    if (lang && Object.hasOwn(LOCALES, lang)) return lang;
  }
  return "en";
}

export function stringsFor(locale: string): Strings {
  return LOCALES[resolveLocale(locale)] ?? en;
}
