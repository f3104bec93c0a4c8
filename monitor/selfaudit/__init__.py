"""monitor/selfaudit"""
