"""monitor/review"""
