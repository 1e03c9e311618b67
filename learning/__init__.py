"""Learning tracks, modules, quizzes, study-day materials, certificates and the CPD record."""
