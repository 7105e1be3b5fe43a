import pytest

from worker.text.waves import wave_classifier


@pytest.mark.parametrize(
    ("text", "wave"),
    [
        ("MOSCOW, Jan 23 (Reuters) - Police detained hundreds of supporters of jailed Kremlin critic Alexei Navalny "
         "as thousands rallied across Russia demanding his release.", "navalny-2021"),
        ("Russians protested against the invasion of Ukraine for a fourth day, chanting 'No to war' in Moscow.", "anti-war-2022"),
        ("Police detained protesters in Moscow who opposed Putin's partial mobilisation order and the call-up of reservists.",
         "mobilisation-2022"),
        ("Mourners laid flowers for Navalny after his death in an Arctic penal colony in February 2024; police in Moscow "
         "detained dozens.", "other"),
        ("Thousands protested in Tbilisi against the Georgian Dream government's foreign agent law.", "other"),
        ("The weather in the capital was mild.", "other"),
    ],
)
def test_waves(text, wave):
    assert wave_classifier().classify(text).wave == wave


def test_mobilisation_outweighs_anti_war_and_navalny():
    text = ("Anti-war protesters were dragged away after Putin announced a partial mobilisation; jailed opposition "
            "leader Alexei Navalny called for demonstrations against the mobilisation.")
    reading = wave_classifier().classify(text)
    assert reading.wave == "mobilisation-2022"
    assert 0.5 < reading.confidence <= 1.0
    assert "partial mobilisation" in reading.evidence
