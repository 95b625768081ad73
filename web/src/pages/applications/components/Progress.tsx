import { Card, Flex, Steps, Timeline, Typography } from 'antd';
import { formatDateTime } from '../../../app/format';
import type { ApplicationDetail, TimelineStep } from '../api';
import { useAppText, yuan } from '../i18n';
import { ProvisionalTag } from './ProvisionalTag';

function DeadlineText({ deadline, left, provisional }: { deadline: string | null; left: number | null; provisional: boolean }) {
  const { tx } = useAppText();
  if (!deadline) return null;
  const suffix = left === null ? '' : left > 0 ? tx('daysLeft', { n: left }) : left === 0 ? tx('dueToday') : tx('daysOver', { n: -left });
  return (
    <Typography.Text type={left !== null && left < 0 ? 'danger' : 'warning'} data-testid="step-deadline">
      {tx('deadline', { date: deadline })}
      {suffix}
      <ProvisionalTag show={provisional} />
    </Typography.Text>
  );
}

function StepDescription({ step }: { step: TimelineStep }) {
  return (
    <Flex vertical gap={2}>
      {step.at ? <Typography.Text type="secondary">{formatDateTime(step.at)}</Typography.Text> : null}
      {step.by ? <Typography.Text type="secondary">{step.by}</Typography.Text> : null}
      {step.note ? <Typography.Text>{step.note}</Typography.Text> : null}
      <DeadlineText deadline={step.deadline} left={step.workdaysLeft} provisional={step.deadlineProvisional} />
    </Flex>
  );
}

/** 办理进度: the steps with the current one and its deadline, then every event (who, when, what). */
export function ApplicationProgress({ app }: { app: ApplicationDetail }) {
  const { tx } = useAppText();
  const { steps, events, current } = app.timeline;
  const currentIndex = Math.max(0, steps.findIndex((s) => s.key === current.key));
  return (
    <Card title={tx('progress')} data-testid="application-progress">
      <Flex vertical gap={16}>
        <Typography.Text strong data-testid="current-step">
          {tx('current', { step: current.title })} <DeadlineText deadline={current.deadline} left={current.workdaysLeft} provisional={current.deadlineProvisional} />
        </Typography.Text>
        <Steps
          current={currentIndex}
          size="small"
          items={steps.map((s) => ({ key: s.key, title: <span data-testid={`step-${s.key}`} data-state={s.state}>{s.title}</span>, status: s.state, content: <StepDescription step={s} /> }))}
        />
        <Typography.Title level={5} style={{ margin: 0 }}>
          {tx('history')}
        </Typography.Title>
        <Timeline
          items={events.map((e, i) => ({
            key: i,
            color: e.action === 'reject' ? 'red' : e.action === 'approve' ? 'green' : e.action === 'return' ? 'orange' : 'blue',
            content: (
              <Flex vertical gap={2}>
                <Typography.Text strong>
                  {e.label} · {e.actorName}
                </Typography.Text>
                <Typography.Text type="secondary">{formatDateTime(e.at)}</Typography.Text>
                {e.note ? <Typography.Text>{e.note}</Typography.Text> : null}
                {e.amountFen !== null ? <Typography.Text>{tx('approvedAlert', { amount: yuan(e.amountFen) })}</Typography.Text> : null}
                {e.deadline ? (
                  <Typography.Text type="secondary">
                    {tx('deadline', { date: e.deadline })}
                    <ProvisionalTag show={e.deadlineProvisional} />
                  </Typography.Text>
                ) : null}
              </Flex>
            ),
          }))}
        />
      </Flex>
    </Card>
  );
}
