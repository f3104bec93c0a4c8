"""monitor/ops"""
