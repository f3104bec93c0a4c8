"""monitor/access"""
