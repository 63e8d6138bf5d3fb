"""The fostering panel: the central list of members, meetings and their agendas, panel packs,
recommendations, minutes and the agency decision."""
