import pytest

from worker.text.waves import wave_classifier


@pytest.mark.parametrize(
    ("text", "wave"),
    [
        ("MOSCOW, Jan 23 (Reuters) - Police detained hundreds of supporters of jailed Kremlin critic Alexei Navalny "
         "as thousands rallied across Russia demanding his release.", "navalny-2021"),
        ("Russians protested against the invasion of Ukraine for a fourth day, chanting 'No to war' in Moscow.", "anti-war-2022"),
        ("Sunday, 27 February, the fourth day of the war: police in Russia detained people on the streets again.",
         "anti-war-2022"),
        ("Police detained protesters in Moscow who opposed Putin's partial mobilisation order and the call-up of reservists.",
         "mobilisation-2022"),
        ("Mourners laid flowers for Navalny after his death in an Arctic penal colony in February 2024; police in Moscow "
         "detained dozens.", "other"),
        ("Thousands protested in Tbilisi against the Georgian Dream government's foreign agent law.", "other"),
        ("The weather in the capital was mild.", "other"),
        # Navalny's sentence of 2 February 2021: a suspended term turned into 3.5 years in a penal colony.
        ("Crowds gathered outside the court in Moscow after the judge turned the jailed opposition leader's suspended "
         "sentence into a 3.5-year term; police detained hundreds.", "navalny-2021"),
        ("Supporters of Navalny chanted as the court sent him to serve real prison time, and riot police began detaining "
         "them in Russia's capital.", "navalny-2021"),
        # The anti-corruption protests of 2017 (26 March, 12 June, Russia Day) belong to no wave.
        ("Anti-corruption rallies swept Russia on Russia Day; in Moscow police detained hundreds on Tverskaya.", "other"),
        ("Police in Makhachkala, Dagestan, detained eight people at anti-corruption protests on 12 June.", "other"),
        ("Police in Baymak, in Russia's Bashkortostan, detained dozens at the court on 17 January as protesters "
         "threw snowballs.", "other"),
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


@pytest.mark.parametrize(("stamp", "wave"), [
    ("date 2022-09-24", "mobilisation-2022"), ("24.09.2022", "mobilisation-2022"), ("date 2021-01-31", "navalny-2021"),
])
def test_a_numeric_date_in_a_window_counts_for_its_wave(stamp, wave):
    text = f"{stamp} Police detained people at rallies in Russia; crowds chanted in the square."
    reading = wave_classifier().classify(text)
    assert stamp.split()[-1] in reading.evidence


def test_a_page_with_no_protest_and_no_detention_is_no_wave():
    from worker.text.analyze import analyze

    text = ("Men flee the call-up\n\nAfter Putin's partial mobilisation order, thousands of Russian men drove to the "
            "border with Georgia, where queues of cars stretched for kilometres.")
    report = analyze(text, "fleeing")
    assert report.wave == "other"
    assert report.wave_evidence == ["no protest and no detention reported"]



def test_days_and_months_without_a_year_and_no_cue_make_no_wave():
    text = ("Moscow police detained hundreds at a rally for independent candidates in the city council election on "
            "August 3, a week after the rally of July 27. Russia's election day is Sept. 8.")
    reading = wave_classifier().classify(text)
    assert reading.wave == "other" and "only days and months without a year" in reading.evidence[0]


def test_days_and_months_of_a_page_dated_in_another_year_are_that_years():
    text = ("The Kushtau protests in Bashkortostan, 3-21 August 2020, against a quarry. Police detained 40 activists "
            "in Russia on 15 August and 8 more on 16 August; in 2022 the hill became a protected monument.")
    assert wave_classifier().classify(text).wave == "other"


def test_a_protest_in_a_russian_city_is_a_mention_of_russia():
    from worker.text.analyze import analyze

    text = ("PERM\n\n12 detained at anti-war picket\n\nPolice in Perm detained 12 people on 6 March 2022 at a picket "
            "against the war in Ukraine; they held posters reading 'No to war'.")
    assert wave_classifier().classify(text).evidence == ["no mention of Russia"]
    assert analyze(text, "perm").wave == "anti-war-2022"
