/**
 * The WSError catalogue. HTTP statuses follow seed 003 and reference section 2; the sub-codes ('400-101') and
 * the field names (code, developerMessage, userMessage, moreInfo) are a simulator choice: no readable source
 * lists them (reference 2.8).
 */
import { fail } from '../../provider/index.ts';

/** Every error the provider answers, with its status, sub-code and localized user message. */
export const ERRORS = {
  'query.exclusive': {
    status: 400,
    code: '400-101',
    en: 'Exactly one of the query parameters anonymousCustomer and searchContactOnAttribute must be provided.',
    fr: 'Un seul des paramètres anonymousCustomer et searchContactOnAttribute doit être fourni.',
    es: 'Debe indicarse exactamente uno de los parámetros anonymousCustomer y searchContactOnAttribute.',
  },
  'query.unsupported': {
    status: 400,
    code: '400-102',
    en: 'An unsupported query parameter was provided.',
    fr: 'Un paramètre de requête non pris en charge a été fourni.',
    es: 'Se ha indicado un parámetro de consulta no admitido.',
  },
  'query.invalid': {
    status: 400,
    code: '400-103',
    en: 'An invalid value was provided for a query parameter.',
    fr: 'Une valeur non valide a été fournie pour un paramètre de requête.',
    es: 'Se ha indicado un valor no válido para un parámetro de consulta.',
  },
  'body.missing': {
    status: 400,
    code: '400-104',
    en: 'The request body is mandatory.',
    fr: 'Le corps de la requête est obligatoire.',
    es: 'El cuerpo de la solicitud es obligatorio.',
  },
  'body.malformed': {
    status: 400,
    code: '400-105',
    en: 'The request body could not be read.',
    fr: 'Le corps de la requête est illisible.',
    es: 'No se ha podido leer el cuerpo de la solicitud.',
  },
  'body.required': {
    status: 400,
    code: '400-106',
    en: 'A required element is missing from the request body.',
    fr: 'Un élément obligatoire manque dans le corps de la requête.',
    es: 'Falta un elemento obligatorio en el cuerpo de la solicitud.',
  },
  'body.invalid': {
    status: 400,
    code: '400-107',
    en: 'An element of the request body has an invalid value.',
    fr: 'Un élément du corps de la requête a une valeur non valide.',
    es: 'Un elemento del cuerpo de la solicitud tiene un valor no válido.',
  },
  'attribute.invalid': {
    status: 400,
    code: '400-108',
    en: 'A custom attribute is not valid.',
    fr: "Un attribut personnalisé n'est pas valide.",
    es: 'Un atributo personalizado no es válido.',
  },
  'customer.rule': {
    status: 400,
    code: '400-109',
    en: 'The customer details do not match the query parameters.',
    fr: 'Les informations du client ne correspondent pas aux paramètres de requête.',
    es: 'Los datos del cliente no corresponden a los parámetros de consulta.',
  },
  'customer.multiple': {
    status: 400,
    code: '400-110',
    en: 'Customer search found multiple contacts.',
    fr: 'La recherche du client a trouvé plusieurs contacts.',
    es: 'La búsqueda del cliente encontró varios contactos.',
  },
  'customer.createFailed': {
    status: 400,
    code: '400-111',
    en: 'The customer was not found and could not be created.',
    fr: "Le client est introuvable et n'a pas pu être créé.",
    es: 'No se encontró al cliente y no se pudo crear.',
  },
  'contact.missing': {
    status: 400,
    code: '400-112',
    en: 'The customer does not have the contact point chosen for the conversation.',
    fr: "Le client n'a pas le point de contact choisi pour la conversation.",
    es: 'El cliente no tiene el punto de contacto elegido para la conversación.',
  },
  'case.invalid': {
    status: 400,
    code: '400-113',
    en: 'The case cannot be used for this conversation.',
    fr: 'Le dossier ne peut pas être utilisé pour cette conversation.',
    es: 'El caso no puede usarse para esta conversación.',
  },
  'entryPoint.notFound': {
    status: 400,
    code: '400-114',
    en: 'The entry point does not exist.',
    fr: "Le point d'entrée n'existe pas.",
    es: 'El punto de entrada no existe.',
  },
  'assignment.down': {
    status: 400,
    code: '400-115',
    en: 'The assignment service is not running.',
    fr: "Le service d'affectation n'est pas démarré.",
    es: 'El servicio de asignación no está en ejecución.',
  },
  'agent.unavailable': {
    status: 400,
    code: '400-116',
    en: 'No agent is available to serve the chat.',
    fr: "Aucun agent n'est disponible pour cette conversation.",
    es: 'No hay ningún agente disponible para atender el chat.',
  },
  'callback.inactive': {
    status: 400,
    code: '400-117',
    en: 'The webhook callback URL of the client application is not active.',
    fr: "L'URL de rappel de l'application cliente n'est pas active.",
    es: 'La URL de devolución de llamada de la aplicación cliente no está activa.',
  },
  'conversation.notFound': {
    status: 400,
    code: '400-118',
    en: 'The conversation does not exist.',
    fr: "La conversation n'existe pas.",
    es: 'La conversación no existe.',
  },
  'grant.invalid': {
    status: 400,
    code: '400-119',
    en: 'The grant type must be client_credentials.',
    fr: 'Le type de délégation doit être client_credentials.',
    es: 'El tipo de concesión debe ser client_credentials.',
  },
  'auth.missing': {
    status: 401,
    code: '401-101',
    en: 'Authorization header is not provided.',
    fr: "L'en-tête Authorization est absent.",
    es: 'No se ha indicado la cabecera Authorization.',
  },
  'auth.format': {
    status: 401,
    code: '401-102',
    en: 'Authorization header format is incorrect.',
    fr: "Le format de l'en-tête Authorization est incorrect.",
    es: 'El formato de la cabecera Authorization es incorrecto.',
  },
  'auth.session': {
    status: 401,
    code: '401-103',
    en: 'Session does not exist or has expired.',
    fr: "La session n'existe pas ou a expiré.",
    es: 'La sesión no existe o ha caducado.',
  },
  'auth.notClientApp': {
    status: 401,
    code: '401-104',
    en: 'The session is not a client application session.',
    fr: "La session n'est pas une session d'application cliente.",
    es: 'La sesión no es una sesión de aplicación cliente.',
  },
  'auth.credentials': {
    status: 401,
    code: '401-105',
    en: 'The client key or client secret is not valid.',
    fr: 'La clé ou le secret du client ne sont pas valides.',
    es: 'La clave o el secreto del cliente no son válidos.',
  },
  'app.notChat': {
    status: 403,
    code: '403-101',
    en: "Only client applications of type 'Chat' may use this API.",
    fr: "Seules les applications clientes de type 'Chat' peuvent utiliser cette API.",
    es: "Solo las aplicaciones cliente de tipo 'Chat' pueden usar esta API.",
  },
  'entryPoint.notConfigured': {
    status: 403,
    code: '403-102',
    en: 'The client application is not configured to use the entry point.',
    fr: "L'application cliente n'est pas configurée pour ce point d'entrée.",
    es: 'La aplicación cliente no está configurada para usar el punto de entrada.',
  },
  'conversation.notOwned': {
    status: 403,
    code: '403-103',
    en: 'The conversation was not started by this client application.',
    fr: "La conversation n'a pas été démarrée par cette application cliente.",
    es: 'La conversación no la inició esta aplicación cliente.',
  },
  'route.notFound': {
    status: 404,
    code: '404-101',
    en: 'The resource does not exist.',
    fr: "La ressource n'existe pas.",
    es: 'El recurso no existe.',
  },
  'language.invalid': {
    status: 406,
    code: '406-101',
    en: "Invalid 'Accept-Language' header value.",
    fr: "Valeur de l'en-tête 'Accept-Language' non valide.",
    es: "Valor no válido de la cabecera 'Accept-Language'.",
  },
  'accept.invalid': {
    status: 406,
    code: '406-102',
    en: 'The response can only be rendered as application/json or application/xml.',
    fr: 'La réponse ne peut être rendue que en application/json ou application/xml.',
    es: 'La respuesta solo puede devolverse como application/json o application/xml.',
  },
  'entryPoint.stale': {
    status: 409,
    code: '409-101',
    en: 'The entry point configuration has changed. Get the configuration again.',
    fr: "La configuration du point d'entrée a changé. Récupérez-la de nouveau.",
    es: 'La configuración del punto de entrada ha cambiado. Vuelva a obtenerla.',
  },
  'conversation.completed': {
    status: 409,
    code: '409-102',
    en: 'The conversation has already been completed.',
    fr: 'La conversation est déjà terminée.',
    es: 'La conversación ya ha finalizado.',
  },
  'body.tooLarge': {
    status: 413,
    code: '413-101',
    en: 'The request body is too large.',
    fr: 'Le corps de la requête est trop volumineux.',
    es: 'El cuerpo de la solicitud es demasiado grande.',
  },
  internal: {
    status: 500,
    code: '500-101',
    en: 'Request processing failed because of internal server error.',
    fr: "Le traitement de la requête a échoué à cause d'une erreur interne du serveur.",
    es: 'El procesamiento de la solicitud falló por un error interno del servidor.',
  },
} as const;

/** A key of the error catalogue. */
export type ErrorKey = keyof typeof ERRORS;

/** An error a rule returns: which catalogue entry, and the developer-facing detail. */
export type EceError = { error: ErrorKey; detail: string };

/** A failed rule naming a catalogue entry: the kit's `fail` with an `EceError`. */
export function failWith(error: ErrorKey, detail: string): { readonly ok: false; readonly error: EceError } {
  return fail({ error, detail });
}

/** The localized user message of an error; `language` is a supported Accept-Language code. */
export function toUserMessage(key: ErrorKey, language: string): string {
  const entry = ERRORS[key];
  const primary = language.slice(0, 2).toLowerCase();
  if (primary === 'fr') return entry.fr;
  if (primary === 'es') return entry.es;
  return entry.en;
}
