//! The bot's own phrases (not the form's questions), in English and Spanish. Languages a
//! custom form adds fall back to English here, while its questions stay in that language.
use crate::form::Invalid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    Yes,
    No,
    Skip,
    UseThisNumber,
    YourNumber,
    Choose,
    StaleReply,
    Help,
    Withdrawn,
    Handover,
    ConsentDeclined,
    ReviewHeader,
    ReviewQuestion,
    Confirm,
    ChangeAnswer,
    PickField,
    Fields,
    MoreFields,
    BackToSummary,
    Submitted,
    AlreadySubmitted,
    NewIntake,
    TalkToStaff,
    WelcomeBack,
    Continue,
    StartOver,
    Delay,
    Ended,
    NeedsReply,
}

pub fn t(lang: &str, msg: Msg) -> &'static str {
    let es = lang == "es";
    let (en, sp) = match msg {
        Msg::Yes => ("Yes", "Sí"),
        Msg::No => ("No", "No"),
        Msg::Skip => ("Skip", "Omitir"),
        Msg::UseThisNumber => ("Use this number", "Usar este número"),
        Msg::YourNumber => (
            "Your WhatsApp number is {n}. Tap the button to use it, or type another number.",
            "Su número de WhatsApp es {n}. Pulse el botón para usarlo o escriba otro número.",
        ),
        Msg::Choose => ("Choose", "Elegir"),
        Msg::StaleReply => (
            "That reply was for an earlier question.",
            "Esa respuesta era para una pregunta anterior.",
        ),
        Msg::Help => (
            "I'm the clinic's intake assistant: answer each question and the clinic receives your form. You can send these words at any time: *restart* to start again, *staff* to talk to a person, *stop* to end.",
            "Soy el asistente de admisión de la clínica: responda a cada pregunta y la clínica recibirá su formulario. Puede enviar estas palabras en cualquier momento: *reiniciar* para empezar de nuevo, *personal* para hablar con una persona, *parar* para terminar.",
        ),
        Msg::Withdrawn => (
            "Understood, we have stopped. Nothing more will be asked. Write to us any time if you want to start again.",
            "Entendido, hemos parado. No le preguntaremos nada más. Escríbanos cuando quiera si desea empezar de nuevo.",
        ),
        Msg::Handover => (
            "A member of the clinic's staff will reply here as soon as possible.",
            "Una persona del personal de la clínica le responderá aquí lo antes posible.",
        ),
        Msg::ConsentDeclined => (
            "Without your consent we cannot take your details here. The clinic's staff can help you instead: send *staff*, or *restart* if you change your mind.",
            "Sin su consentimiento no podemos recoger sus datos aquí. El personal de la clínica puede ayudarle: envíe *personal*, o *reiniciar* si cambia de opinión.",
        ),
        Msg::ReviewHeader => ("Please check your answers:", "Revise sus respuestas:"),
        Msg::ReviewQuestion => ("Is everything correct?", "¿Está todo correcto?"),
        Msg::Confirm => ("Confirm", "Confirmar"),
        Msg::ChangeAnswer => ("Change an answer", "Cambiar respuesta"),
        Msg::PickField => (
            "Which answer do you want to change?",
            "¿Qué respuesta desea cambiar?",
        ),
        Msg::Fields => ("Answers", "Respuestas"),
        Msg::MoreFields => ("More…", "Más…"),
        Msg::BackToSummary => ("Back to summary", "Volver al resumen"),
        Msg::Submitted => (
            "Thank you! The clinic has received your form.",
            "¡Gracias! La clínica ha recibido su formulario.",
        ),
        Msg::AlreadySubmitted => (
            "The clinic already has your form. Do you want to fill in a new one, or talk to the staff?",
            "La clínica ya tiene su formulario. ¿Desea rellenar uno nuevo o hablar con el personal?",
        ),
        Msg::NewIntake => ("New form", "Nuevo formulario"),
        Msg::TalkToStaff => ("Talk to staff", "Hablar con personal"),
        Msg::WelcomeBack => (
            "Welcome back! Your form is not finished yet. Do you want to continue where you left off, or start over?",
            "¡Bienvenido de nuevo! Su formulario aún no está terminado. ¿Desea continuar donde lo dejó o empezar de nuevo?",
        ),
        Msg::Continue => ("Continue", "Continuar"),
        Msg::StartOver => ("Start over", "Empezar de nuevo"),
        Msg::Delay => (
            "Sorry for the slow reply. Let's pick up where we were.",
            "Perdone la demora. Sigamos donde lo dejamos.",
        ),
        Msg::Ended => (
            "This conversation has ended. Write again any time to start a new form.",
            "Esta conversación ha terminado. Escriba cuando quiera para empezar un nuevo formulario.",
        ),
        Msg::NeedsReply => (
            "Please use the options above.",
            "Por favor, use las opciones de arriba.",
        ),
    };
    if es {
        sp
    } else {
        en
    }
}

/// The first line of a re-prompt: why the answer was not taken.
pub fn invalid(lang: &str, why: Invalid) -> String {
    let es = lang == "es";
    let s = match why {
        Invalid::Empty if es => "No he recibido ninguna respuesta.",
        Invalid::Empty => "I didn't get an answer.",
        Invalid::TooLong { max } if es => {
            return format!("Esa respuesta es demasiado larga (máximo {max} caracteres).")
        }
        Invalid::TooLong { max } => {
            return format!("That answer is too long (at most {max} characters).")
        }
        Invalid::NotADate if es => "No he entendido la fecha. Escríbala así: 14/03/1987.",
        Invalid::NotADate => "I couldn't read that date. Please write it like 14/03/1987.",
        Invalid::FutureDate if es => "Esa fecha está en el futuro.",
        Invalid::FutureDate => "That date is in the future.",
        Invalid::TooOld if es => "Esa fecha es de hace más de 120 años.",
        Invalid::TooOld => "That date is more than 120 years ago.",
        Invalid::NotAPhone if es => "Ese número de teléfono no parece válido.",
        Invalid::NotAPhone => "That phone number doesn't look valid.",
        Invalid::NotAnEmail if es => "Ese correo electrónico no parece válido.",
        Invalid::NotAnEmail => "That email address doesn't look valid.",
        Invalid::NotAnOption if es => "Elija una de las opciones, por favor.",
        Invalid::NotAnOption => "Please choose one of the options.",
        Invalid::NotYesNo if es => "Responda sí o no, por favor.",
        Invalid::NotYesNo => "Please answer yes or no.",
        Invalid::NotANumber if es => "Escriba un número entero, por favor.",
        Invalid::NotANumber => "Please type a whole number.",
        Invalid::NeedsAttachment if es => "Envíe una foto o un PDF, u omita esta pregunta.",
        Invalid::NeedsAttachment => "Please send a photo or a PDF, or skip this question.",
        Invalid::NeedsText if es => "Responda con un mensaje de texto, por favor.",
        Invalid::NeedsText => "Please answer with a text message.",
        Invalid::UnsupportedMedia if es => "Solo puedo aceptar fotos o archivos PDF.",
        Invalid::UnsupportedMedia => "I can only accept photos or PDF files.",
    };
    s.to_owned()
}
