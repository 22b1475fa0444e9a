"""Whole-message verdicts in the other rule files: Spanish, French, Portuguese, Tagalog/Taglish
and Hinglish (Hindi in Latin letters).

Per language, sextortion as offenders write it (often mixed with English), and the hard
negatives that share its words: a debt collector, a friend's joke about an embarrassing
karaoke video, flirting, news about sextortion, a friend asking for money. The rules' own
verdict is tested (``language_model=False``): the second opinion is trained on English.
"""

from __future__ import annotations

import pytest

from takeback.detect import assess, assess_text, engine

from .chats import chat

SEXTORTION = [
    ("es", "Tengo tu video desnuda. Paga 500 euros por Bizum o se lo mando a toda tu familia"),
    ("es", "si no me pagas 3000 pesos en OXXO hoy, subo tus fotos íntimas a Facebook"),
    ("es", "paga o envío tu vídeo a tu familia"),
    ("es", "te grabé en la videollamada. tienes una hora para mandarme 200 dólares por Western Union "
     "o tus amigos verán lo que hiciste. no me bloquees"),
    ("es", "He hackeado tu dispositivo y grabé un video mientras veías páginas porno. Paga 500 dólares "
     "en bitcoin en las próximas 48 horas o lo envío a todos tus contactos."),
    ("es", "send 200 por mercado pago o subo tu video a insta"),
    ("fr", "J'ai ta vidéo nue. Paie 500 euros en coupons PCS ou je l'envoie à toute ta famille"),
    ("fr", "paie ou j'envoie ta vidéo à tes amis"),
    ("fr", "je t'ai filmé pendant l'appel vidéo. t'as 1h pour envoyer 200 000 FCFA par Orange Money "
     "sinon tes contacts vont la recevoir. ne me bloque pas"),
    ("fr", "J'ai piraté votre appareil et je vous ai filmé pendant que vous regardiez des vidéos pour "
     "adultes. Payez 1000 € en bitcoin dans les 48 heures ou j'envoie la vidéo à tous vos contacts."),
    ("fr", "send 300 euros par Wave sinon je balance tes nudes sur insta"),
    ("pt", "Tenho suas fotos peladas. Manda 500 reais no pix ou eu mando tudo pra sua família"),
    ("pt", "pague ou eu mando suas fotos pra sua família"),
    ("pt", "te gravei na chamada de vídeo. você tem 30 minutos pra fazer o pix de R$ 1000 senão seus "
     "amigos vão ver o que você fez. não me bloqueia"),
    ("pt", "Hackeei seu dispositivo e gravei você enquanto assistia vídeos pornô. Pague 500 dólares em "
     "bitcoin nas próximas 48 horas ou envio o vídeo para todos os seus contatos."),
    ("pt", "send 300 no pix or vou vazar seus nudes no insta"),
    ("tl", "nasa akin yung hubad mong video. magbayad ka ng 10k sa GCash kung hindi ipapakalat ko sa "
     "pamilya mo"),
    ("tl", "send 5k sa GCash or ipapakalat ko yung video mo"),
    ("tl", "nirecord kita habang nag vc tayo. may isang oras ka para magpadala ng 5000 thru Palawan. "
     "wag mo akong i-block, kundi isesend ko yung video mo sa lahat ng friends mo"),
    ("tl", "hawak ko yung nudes mo, pag hindi ka nagbayad ipopost ko sa fb"),
    ("tl", "bayaran mo ako ng 3000 sa maya or else ipapakita ko sa mama mo yung pics mo na hubad"),
    ("hi", "tera nanga video mere paas hai, 10000 bhej warna sabko bhej dunga"),
    ("hi", "maine video call record kar liya. 1 ghanta hai tere paas, phonepe pe 5000 bhej nahi to "
     "tere ghar walon ko dikha dunga. block mat karna"),
    ("hi", "teri nangi photos mere paas hain. paise bhej warna insta pe daal dunga"),
    ("hi", "send 5000 on paytm or tera video viral kar dunga"),
    ("hi", "agar paise nahi bheje to tera mms tere college ke group mein daal dunga"),
]

NOT_SEXTORTION = [
    ("es", "Estimado cliente, si no paga la deuda de 300 euros antes del viernes, iniciaremos acciones "
     "legales."),
    ("es", "jajaja si no vienes a mi cumple subo el video tuyo cantando karaoke a insta 😂"),
    ("es", "me encantó la foto que me mandaste anoche, estás guapísima, mándame otra 😘"),
    ("es", "La policía alerta de un aumento de casos de sextorsión: los delincuentes piden dinero a "
     "cambio de no publicar fotos íntimas."),
    ("es", "oye me prestas 20 euros para el taxi? te los devuelvo mañana por bizum"),
    ("fr", "Madame, sans règlement de votre facture de 250 euros sous 8 jours, votre dossier sera "
     "transmis à notre service contentieux."),
    ("fr", "mdr si tu viens pas samedi je poste la vidéo de toi au karaoké sur le groupe 😂"),
    ("fr", "j'adore la photo que tu m'as envoyée hier soir, t'es trop belle, envoie m'en une autre 😘"),
    ("fr", "La gendarmerie met en garde contre la sextorsion : des escrocs menacent de publier des "
     "vidéos intimes si la victime ne paie pas."),
    ("fr", "tu peux me prêter 20 euros ? je te rembourse par Lydia demain"),
    ("pt", "Prezado cliente, se não pagar o boleto de R$ 250 até sexta, seu nome será enviado ao SPC."),
    ("pt", "kkkk se não vier no meu aniversário eu posto aquele vídeo seu cantando no karaokê no "
     "grupo 😂"),
    ("pt", "amei a foto que você me mandou ontem, tá linda demais, manda outra 😘"),
    ("pt", "A polícia alerta para o aumento de casos de sextorsão: criminosos exigem dinheiro para não "
     "divulgar fotos íntimas."),
    ("pt", "me empresta 20 reais? te devolvo amanhã no pix"),
    ("tl", "Paalala: kung hindi mo mababayaran ang utang mo na 5000 pesos bago Biyernes, ipapasa namin "
     "ito sa legal."),
    ("tl", "hahaha pag hindi ka sumama sa outing ipopost ko yung video mo nag kakaraoke sa gc 😂"),
    ("tl", "ang ganda mo sa pic na sinend mo kagabi, send ka pa ng isa 😘"),
    ("tl", "Nagbabala ang PNP laban sa sextortion: nagbabanta ang mga suspek na ipapakalat ang mga "
     "hubad na litrato kung hindi magbabayad."),
    ("tl", "pahiram naman 500, babayaran kita bukas sa gcash"),
    ("hi", "Sir aapka loan EMI 5000 rs pending hai, agar aaj payment nahi kiya to late fee lagegi."),
    ("hi", "haha agar party mein nahi aaya to tera karaoke wala video group pe daal dunga 😂"),
    ("hi", "kal wali photo bahut sundar thi, ek aur bhej na 😘"),
    ("hi", "cyber police ne sextortion ke cases pe chetavni di: log nangi video ke naam pe paise "
     "maangte hain"),
    ("hi", "bhai 500 bhej de, kal gpay kar dunga wapas"),
]

CRISIS = [
    ("es", "si lo publican me voy a matar"),
    ("fr", "s'il publie ça je veux mourir"),
    ("pt", "se ele postar eu vou me matar"),
    ("tl", "pag pinost nya magpapakamatay ako"),
    ("hi", "agar video gaya to suicide kar lunga"),
]


@pytest.mark.parametrize(("language", "text"), SEXTORTION)
def test_sextortion_in_other_languages_is_recognised(language: str, text: str) -> None:
    assessment = assess_text(text, language_model=False)
    assert assessment.sextortion, text
    # The language's own rules carry it, not only English words in the sentence.
    assert any(f.rule.endswith(f"_{language}") and f.stage == "threat" for f in assessment.findings)


@pytest.mark.parametrize(("language", "text"), NOT_SEXTORTION)
def test_look_alikes_in_other_languages_are_not_sextortion(language: str, text: str) -> None:
    assert not assess_text(text, language_model=False).sextortion, text


@pytest.mark.parametrize(("language", "text"), CRISIS)
def test_crisis_words_in_other_languages_set_crisis(language: str, text: str) -> None:
    assessment = assess_text(text, language_model=False)
    assert assessment.crisis
    assert any(f.rule == f"crisis.suicide_{language}" for f in assessment.findings)


def test_rules_in_other_languages_play_the_part_of_their_english_kind() -> None:
    # An offender's "suicidio" is the bare word (crisis.mention_es), discounted as in English.
    threat = chat("X: tengo tus fotos desnudo", "X: paga 200 dolares o las mando a tu familia",
                  "X: piensa en el suicidio si quieres", "Leo: dejame en paz")
    assessment = assess(threat, language_model=False)
    assert assessment.sextortion and not assessment.crisis
    # "o lo subo" is an or-else threat (threat.conditional_es): it carries its own demand.
    assert assess(chat("X: tengo tus nudes", "X: mandame otro video o lo subo a internet"),
                  language_model=False).sextortion


def test_every_language_file_is_loaded_with_its_own_ids() -> None:
    languages = {rule.language for rule in engine().rules}
    assert languages >= {"en", "es", "fr", "pt", "tl", "hi"}
    for rule in engine().rules:
        if rule.language != "en":
            assert rule.id.endswith(f"_{rule.language}"), rule.id
