"""The managers' recruitment figures: the dashboard, the lists behind each figure, the Ofsted
annual fostering return and their downloads."""
